// Bad input, throwing handlers and timeouts: answered without reaching the handler, then closed.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "tests/http/server_support.hpp"

using namespace wire::http;
using namespace wire::http::test;

namespace {

struct Counting {
    std::atomic<int> calls{0};
    HandlerPtr handler() {
        return handler_func([this](ResponseWriter& w, Request&) {
            ++calls;
            (void)w.write("reached");
        });
    }
};

}  // namespace

TEST_CASE("every kind of bad input gets its status, Connection: close, and never the handler") {
    Counting counter;
    TestServer s(counter.handler(), [](Server& cfg) {
        cfg.max_header_bytes = 2048;
        cfg.limits.max_target = 1024;
        cfg.limits.max_request_line = 1200;
        cfg.limits.max_body = 1000;
    });
    struct Case {
        const char* what;
        std::string request;
        int status;
    };
    const Case cases[] = {
        {"no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400},
        {"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"a bare CR", "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400},
        {"a space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
        {"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400},
        {"garbage", "\x01\x02\x03 nonsense\r\n\r\n", 400},
        {"CL with TE (smuggling)",
         "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
         400},
        {"bad chunk size", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         400},
        {"body over max_body", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413},
        {"chunked body over max_body",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n", 413},
        {"target too long", "GET /" + std::string(1100, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414},
        {"head too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(3000, 'b') + "\r\n\r\n",
         431},
        {"unknown transfer coding",
         "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
        {"HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
    };
    for (const Case& c : cases) {
        CAPTURE(c.what);
        Client client(s);
        client.send(c.request);
        const Response r = client.read();
        CHECK(r.status == c.status);
        CHECK(r.get("Connection") == "close");
        CHECK(client.closed_within(std::chrono::seconds(3)));
    }
    CHECK(counter.calls == 0);
    // The server is fine afterwards.
    CHECK(roundtrip(s, get("/")).body == "reached");
}

TEST_CASE("a request after good ones in the same batch: the good ones are answered first") {
    Counting counter;
    TestServer s(counter.handler());
    Client c(s);
    c.send(get("/1") + get("/2") + "BAD\r\n\r\n");
    CHECK(c.read().status == 200);
    CHECK(c.read().status == 200);
    CHECK(c.read().status == 400);
    CHECK(c.closed_within(std::chrono::seconds(3)));
}

TEST_CASE("a throwing handler gets a 500 and its connection closed; the server lives on") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
        if (r.path == "/throw") throw std::runtime_error("boom");
        if (r.path == "/throw-late") {
            (void)w.write(std::string(10000, 'x'));  // committed, chunked
            throw std::runtime_error("late boom");
        }
        if (r.path == "/throw-int") throw 42;
        (void)w.write("fine");
    }));
    for (const char* path : {"/throw", "/throw-int"}) {
        Client c(s);
        c.send(get(path));
        const Response r = c.read();
        CHECK(r.status == 500);
        CHECK(r.get("Connection") == "close");
        CHECK(c.closed_within(std::chrono::seconds(3)));
    }
    {
        // Too late for a 500: the response is cut short (no last chunk) and the connection ends.
        Client c(s);
        c.send(get("/throw-late"));
        std::string got;
        char tmp[4096];
        for (;;) {
            auto n = c.conn.read(tmp, sizeof tmp);
            if (!n || *n == 0) break;
            got.append(tmp, *n);
        }
        CHECK(got.find("200 OK") != std::string::npos);
        CHECK(got.find("\r\n0\r\n\r\n") == std::string::npos);
    }
    CHECK(roundtrip(s, get("/ok")).body == "fine");
}

TEST_CASE("slowloris: a head dribbled byte by byte is closed within read_header_timeout") {
    Counting counter;
    TestServer s(counter.handler(),
                 [](Server& cfg) { cfg.read_header_timeout = std::chrono::milliseconds(300); });
    Client c(s);
    const std::string head = get("/");
    const auto start = std::chrono::steady_clock::now();
    bool closed = false;
    for (char ch : head) {
        if (!c.conn.write(std::string_view(&ch, 1))) {
            closed = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(3)) break;
    }
    if (!closed) closed = c.closed_within(std::chrono::seconds(3));
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(closed);
    CHECK(took >= std::chrono::milliseconds(250));
    CHECK(took < std::chrono::milliseconds(2500));
    CHECK(counter.calls == 0);
}

TEST_CASE("a connection that sends nothing, and an idle keep-alive one, are closed in time") {
    Counting counter;
    TestServer s(counter.handler(), [](Server& cfg) {
        cfg.read_header_timeout = std::chrono::milliseconds(200);
        cfg.idle_timeout = std::chrono::milliseconds(300);
    });
    {
        Client c(s);
        const auto start = std::chrono::steady_clock::now();
        CHECK(c.closed_within(std::chrono::seconds(3)));
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
    }
    {
        Client c(s);
        c.send(get("/"));
        CHECK(c.read().status == 200);
        const auto start = std::chrono::steady_clock::now();
        CHECK(c.closed_within(std::chrono::seconds(3)));
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
    }
}

TEST_CASE("a request body slower than read_timeout is cut off") {
    Counting counter;
    TestServer s(counter.handler(),
                 [](Server& cfg) { cfg.read_timeout = std::chrono::milliseconds(200); });
    Client c(s);
    c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly some");
    const auto start = std::chrono::steady_clock::now();
    CHECK(c.closed_within(std::chrono::seconds(3)));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(counter.calls == 0);
}
