// Server connection handling on real loopback sockets: keep-alive, pipelining, HTTP/1.0,
// Connection: close, request fields and bodies, 100-continue.
#include "http/server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>

#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"

using namespace wire::http;
using namespace wire::http::test;

namespace {

HandlerPtr hello() {
    return handler_func([](ResponseWriter& w, Request&) { (void)w.write("hello world!\n"); });
}

// Echoes what the handler saw, one field per line.
HandlerPtr echo_request() {
    return handler_func([](ResponseWriter& w, Request& r) {
        std::string body;
        auto read = r.body().read_all(body);
        std::string out;
        out.append("method=").append(r.method).append("\n");
        out.append("target=").append(r.target).append("\n");
        out.append("path=").append(r.path).append("\n");
        out.append("query=").append(r.raw_query).append("\n");
        out.append("proto=").append(r.proto()).append("\n");
        out.append("host=").append(r.host).append("\n");
        out.append("length=").append(std::to_string(r.content_length)).append("\n");
        out.append("remote=").append(r.remote_addr.substr(0, 10)).append("\n");
        out.append("body=").append(read ? body : "ERROR " + read.error().message()).append("\n");
        w.header().set("Content-Type", "text/plain");
        (void)w.write(out);
    });
}

}  // namespace

TEST_CASE("a GET is answered 200 with Content-Length, Date and a sniffed Content-Type") {
    TestServer s(hello());
    const Response r = roundtrip(s, get("/"));
    CHECK(r.status == 200);
    CHECK(r.body == "hello world!\n");
    CHECK(r.get("Content-Length") == "13");
    CHECK(r.get("Content-Type") == "text/plain; charset=utf-8");
    CHECK(r.get("Date").size() == 29);
    CHECK_FALSE(r.has("Connection"));
}

TEST_CASE("keep-alive: many requests on one connection") {
    TestServer s(hello());
    Client c(s);
    for (int i = 0; i < 20; ++i) {
        c.send(get("/"));
        const Response r = c.read();
        CHECK(r.status == 200);
        CHECK(r.body == "hello world!\n");
    }
    CHECK(s.server.connection_count() == 1);
}

TEST_CASE("100 pipelined requests in one write are answered in order") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.path); }));
    Client c(s);
    std::string batch;
    for (int i = 0; i < 100; ++i)
        batch += get("/" + std::to_string(i));
    c.send(batch);
    for (int i = 0; i < 100; ++i) {
        const Response r = c.read();
        REQUIRE(r.status == 200);
        CHECK(r.body == "/" + std::to_string(i));
    }
}

TEST_CASE("a client that reads late gets every pipelined response in order, then the close") {
    // 150 responses of 12,000 bytes: far more than the socket buffers hold, so the server meets
    // a full socket in the middle of a batch and waits for writability, then closes after the
    // last one (which said "Connection: close").
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
        const auto i = static_cast<std::size_t>(std::stoi(std::string(r.path.substr(1))));
        (void)w.write(std::string(12000, static_cast<char>('a' + i % 26)));
    }));
    Client c(s);
    constexpr int count = 150;
    std::string batch;
    for (int i = 0; i < count; ++i)
        batch += get("/" + std::to_string(i), i == count - 1 ? "Connection: close\r\n" : "");
    c.send(batch);
    std::this_thread::sleep_for(200ms);
    for (int i = 0; i < count; ++i) {
        const Response r = c.read();
        REQUIRE(r.status == 200);
        REQUIRE(r.body.size() == 12000);
        CHECK(r.body.front() == static_cast<char>('a' + i % 26));
        CHECK(r.body.back() == static_cast<char>('a' + i % 26));
    }
    CHECK(c.closed_within(2s));
}

TEST_CASE("pipelined requests split at every byte still come back in order") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.path); }));
    const std::string batch = get("/a") + get("/bb") + get("/ccc");
    for (std::size_t cut = 1; cut < batch.size(); cut += 7) {
        Client c(s);
        c.send(batch.substr(0, cut));
        std::this_thread::sleep_for(1ms);
        c.send(batch.substr(cut));
        CHECK(c.read().body == "/a");
        CHECK(c.read().body == "/bb");
        CHECK(c.read().body == "/ccc");
    }
}

TEST_CASE("Connection: close is honoured: the answer says so and the connection ends") {
    TestServer s(hello());
    Client c(s);
    c.send(get("/", "Connection: close\r\n") + get("/never"));
    const Response r = c.read();
    CHECK(r.status == 200);
    CHECK(r.get("Connection") == "close");
    CHECK(c.closed_within(2s));
}

TEST_CASE("HTTP/1.0: closed after the response unless keep-alive was asked for") {
    TestServer s(hello());
    {
        Client c(s);
        c.send("GET / HTTP/1.0\r\n\r\n");
        const Response r = c.read();
        CHECK(r.version_minor == 1);  // RFC 9110 §6.2: our version, not the client's
        CHECK(r.body == "hello world!\n");
        CHECK(r.get("Connection") == "close");
        CHECK(c.closed_within(2s));
    }
    {
        Client c(s);
        c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        CHECK(c.read().get("Connection") == "keep-alive");
        c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        CHECK(c.read().body == "hello world!\n");
    }
}

TEST_CASE("the handler sees method, target, path, query, proto, host and remote address") {
    TestServer s(echo_request());
    const Response r = roundtrip(s, get("/a/b?x=1&y=2"));
    CHECK(r.body.find("method=GET\n") != std::string::npos);
    CHECK(r.body.find("target=/a/b?x=1&y=2\n") != std::string::npos);
    CHECK(r.body.find("path=/a/b\n") != std::string::npos);
    CHECK(r.body.find("query=x=1&y=2\n") != std::string::npos);
    CHECK(r.body.find("proto=HTTP/1.1\n") != std::string::npos);
    CHECK(r.body.find("host=example.com\n") != std::string::npos);
    CHECK(r.body.find("remote=127.0.0.1:") != std::string::npos);
}

TEST_CASE("request bodies: Content-Length and chunked, small and large") {
    TestServer s(echo_request());
    SUBCASE("content-length") {
        const Response r =
            roundtrip(s, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        CHECK(r.body.find("length=5\n") != std::string::npos);
        CHECK(r.body.find("body=hello\n") != std::string::npos);
    }
    SUBCASE("chunked") {
        const Response r = roundtrip(s,
                                     "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: "
                                     "chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        CHECK(r.body.find("length=-1\n") != std::string::npos);
        CHECK(r.body.find("body=hello world\n") != std::string::npos);
    }
    SUBCASE("a body larger than the preread bound is streamed to the handler") {
        const std::string big(300 * 1024, 'x');
        Client c(s);
        c.send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(big.size()) +
               "\r\n\r\n");
        std::thread writer([&] { c.send(big); });
        const Response r = c.read();
        writer.join();
        CHECK(r.body.find("body=" + big + "\n") != std::string::npos);
        // The connection is still good for the next request.
        c.send(get("/next"));
        CHECK(c.read().body.find("path=/next") != std::string::npos);
    }
    SUBCASE("a body dribbled in small pieces is waited for, then served") {
        Client c(s);
        c.send("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n01234");
        std::this_thread::sleep_for(20ms);
        c.send("56789");
        CHECK(c.read().body.find("body=0123456789\n") != std::string::npos);
    }
}

TEST_CASE("a body the handler ignores is skipped and the next request is served") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.path); }));
    Client c(s);
    c.send("POST /one HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc" + get("/two"));
    CHECK(c.read().body == "/one");
    CHECK(c.read().body == "/two");
}

TEST_CASE("Expect: 100-continue: 100 comes only when the handler reads the body") {
    std::atomic<bool> read_body{true};
    TestServer s(handler_func([&](ResponseWriter& w, Request& r) {
        if (!read_body) {
            w.write_header(403);
            return;
        }
        std::string body;
        REQUIRE(r.body().read_all(body));
        (void)w.write("got " + body);
    }));
    SUBCASE("the handler reads") {
        Client c(s);
        c.send("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        const Response interim = c.read();
        CHECK(interim.status == 100);
        c.send("data");
        const Response r = c.read();
        CHECK(r.status == 200);
        CHECK(r.body == "got data");
    }
    SUBCASE("the handler refuses without reading: no 100, a final answer, then close") {
        read_body = false;
        Client c(s);
        c.send("PUT /u HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        const Response r = c.read();
        CHECK(r.status == 403);
        CHECK(r.get("Connection") == "close");
    }
}

TEST_CASE("handlers on worker threads may block; pipelined order holds") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
                     std::this_thread::sleep_for(5ms);  // blocking is fine on a worker
                     std::string body;
                     (void)r.body().read_all(body);
                     (void)w.write(std::string(r.path) + body);
                 }),
                 [](Server& cfg) { cfg.worker_threads = 4; });
    Client c(s);
    std::string batch;
    for (int i = 0; i < 10; ++i)
        batch += get("/" + std::to_string(i));
    batch += "POST /post HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
    c.send(batch);
    for (int i = 0; i < 10; ++i)
        CHECK(c.read().body == "/" + std::to_string(i));
    CHECK(c.read().body == "/postabc");
    // Other connections are served meanwhile.
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&] {
            if (roundtrip(s, get("/x")).body == "/x") ++ok;
        });
    }
    for (auto& t : clients)
        t.join();
    CHECK(ok == 8);
}

TEST_CASE("max_connections: connections beyond the limit wait until one closes") {
    TestServer s(hello(), [](Server& cfg) { cfg.max_connections = 2; });
    Client a(s);
    Client b(s);
    a.send(get("/"));
    CHECK(a.read().status == 200);
    b.send(get("/"));
    CHECK(b.read().status == 200);
    Client c(s);  // accepted by the kernel, not by the server
    c.send(get("/"));
    c.conn.set_read_deadline(wire::net::Conn::Clock::now() + 200ms);
    char tmp[64];
    auto n = c.conn.read(tmp, sizeof tmp);
    CHECK_FALSE(n);  // nothing within the bound
    a.conn.close();
    c.conn.set_read_deadline(wire::net::Conn::Clock::now() + 5s);
    CHECK(c.read().status == 200);
}

TEST_CASE("form() and post_form(): query and urlencoded body, as Go's ParseForm") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
        std::string out;
        for (const auto& [k, v] : r.form())
            out.append(k).append("=").append(v).append(";");
        out.append("|");
        for (const auto& [k, v] : r.post_form())
            out.append(k).append("=").append(v).append(";");
        (void)w.write(out);
    }));
    const std::string body = "name=J%C3%BCrgen+K&x=2";
    const Response r =
        roundtrip(s,
                  "POST /f?x=1&q=a%20b HTTP/1.1\r\nHost: h\r\nContent-Type: "
                  "application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
    CHECK(r.body == "name=J\xC3\xBCrgen K;x=2;x=1;q=a b;|name=J\xC3\xBCrgen K;x=2;");
    CHECK(roundtrip(s, get("/g?k=v")).body == "k=v;|");
}
