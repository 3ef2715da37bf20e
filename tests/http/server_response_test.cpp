// ResponseWriter semantics through the server: implicit 200, sniffing, Content-Length versus
// chunked, HEAD, 1xx/204/304, frozen headers, flush, HTTP/1.0 without a length.
#include "http/response_writer.hpp"

#include <doctest/doctest.h>

#include <string>

#include "http/server_error.hpp"
#include "tests/http/server_support.hpp"

using namespace wire::http;
using namespace wire::http::test;

TEST_CASE("a handler that writes nothing answers 200 with an empty body") {
    TestServer s(handler_func([](ResponseWriter&, Request&) {}));
    const Response r = roundtrip(s, get("/"));
    CHECK(r.status == 200);
    CHECK(r.get("Content-Length") == "0");
    CHECK_FALSE(r.has("Content-Type"));  // nothing to sniff
}

TEST_CASE("Content-Type is sniffed from the first bytes unless the handler set one") {
    struct Case {
        std::string body;
        std::string set;
        std::string expect;
    };
    const Case cases[] = {
        {"<!DOCTYPE html><p>hi", "", "text/html; charset=utf-8"},
        {"%PDF-1.4 ...", "", "application/pdf"},
        {std::string("\x89PNG\r\n\x1a\n", 8) + "rest", "", "image/png"},
        {"plain words", "", "text/plain; charset=utf-8"},
        {"<html>", "application/json", "application/json"},
    };
    for (const Case& c : cases) {
        TestServer s(handler_func([&](ResponseWriter& w, Request&) {
            if (!c.set.empty()) w.header().set("Content-Type", c.set);
            (void)w.write(c.body);
        }));
        const Response r = roundtrip(s, get("/"));
        CHECK(r.get("Content-Type") == c.expect);
        CHECK(r.body == c.body);
    }
}

TEST_CASE("output that fits the buffer gets Content-Length; more goes chunked") {
    const std::string small(1000, 'a');
    const std::string big(100 * 1024, 'b');
    TestServer s(handler_func([&](ResponseWriter& w, Request& r) {
        const std::string& body = r.path == "/small" ? small : big;
        // Several writes: the framing decision is about the whole output.
        for (std::size_t i = 0; i < body.size(); i += 700) {
            (void)w.write(std::string_view(body).substr(i, 700));
        }
    }));
    Client c(s);
    c.send(get("/small"));
    const Response a = c.read();
    CHECK(a.get("Content-Length") == "1000");
    CHECK_FALSE(a.chunked);
    CHECK(a.body == small);
    c.send(get("/big"));
    const Response b = c.read();
    CHECK(b.chunked);
    CHECK_FALSE(b.has("Content-Length"));
    CHECK(b.body == big);
    c.send(get("/small"));  // the connection survives a chunked response
    CHECK(c.read().body == small);
}

TEST_CASE("HTTP/1.0 output beyond the buffer is close-delimited") {
    const std::string big(50 * 1024, 'z');
    TestServer s(handler_func([&](ResponseWriter& w, Request&) { (void)w.write(big); }));
    Client c(s);
    c.send("GET / HTTP/1.0\r\n\r\n");
    const Response r = c.read();
    CHECK_FALSE(r.chunked);
    CHECK(r.get("Connection") == "close");
    CHECK(r.body == big);
}

TEST_CASE("a declared Content-Length is kept and enforced") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) {
        w.header().set("Content-Length", "5");
        CHECK(w.write("hello"));
        auto extra = w.write("!");
        CHECK(extra.error() == ServerError::content_length_mismatch);
    }));
    const Response r = roundtrip(s, get("/"));
    CHECK(r.get("Content-Length") == "5");
    CHECK(r.body == "hello");
}

TEST_CASE("HEAD: the headers of a GET, no body") {
    TestServer s(
        handler_func([](ResponseWriter& w, Request&) { (void)w.write("hello world!\n"); }));
    Client c(s);
    c.send("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
    const Response r = c.read(true);
    CHECK(r.status == 200);
    CHECK(r.get("Content-Length") == "13");
    CHECK(r.body.empty());
    c.send(get("/"));  // no stray body bytes before the next response
    CHECK(c.read().body == "hello world!\n");
}

TEST_CASE("204 and 304 carry no body; writing one fails with body_not_allowed") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
        w.write_header(r.path == "/204" ? 204 : 304);
        CHECK(w.write("x").error() == ServerError::body_not_allowed);
    }));
    Client c(s);
    c.send(get("/204"));
    const Response a = c.read();
    CHECK(a.status == 204);
    CHECK_FALSE(a.has("Content-Length"));
    CHECK_FALSE(a.has("Transfer-Encoding"));
    c.send(get("/304"));
    const Response b = c.read();
    CHECK(b.status == 304);
    CHECK(b.body.empty());
}

TEST_CASE("headers freeze at write_header; a second write_header is ignored") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) {
        w.header().set("X-Before", "1");
        w.write_header(201);
        w.header().set("X-After", "1");
        w.write_header(500);
        (void)w.write("created");
    }));
    const Response r = roundtrip(s, get("/"));
    CHECK(r.status == 201);
    CHECK(r.get("X-Before") == "1");
    CHECK_FALSE(r.has("X-After"));
}

TEST_CASE("an interim 103 goes out before the final response") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) {
        w.header().set("Link", "</style.css>; rel=preload");
        w.write_header(103);
        w.write_header(200);
        (void)w.write("ok");
    }));
    Client c(s);
    c.send(get("/"));
    const Response early = c.read();
    CHECK(early.status == 103);
    CHECK(early.get("Link") == "</style.css>; rel=preload");
    const Response r = c.read();
    CHECK(r.status == 200);
    CHECK(r.body == "ok");
}

TEST_CASE("flush sends the head and data at once; the rest follows chunked") {
    std::atomic<bool> flushed{false};
    TestServer s(handler_func([&](ResponseWriter& w, Request&) {
                     (void)w.write("first ");
                     CHECK(w.flush());
                     flushed = true;
                     std::this_thread::sleep_for(10ms);
                     (void)w.write("second");
                 }),
                 [](Server& cfg) { cfg.worker_threads = 1; });
    const Response r = roundtrip(s, get("/"));
    CHECK(flushed);
    CHECK(r.chunked);
    CHECK(r.body == "first second");
}

TEST_CASE("header values cannot split the response") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) {
        w.header().set("X-Evil", "a\r\nSet-Cookie: owned");
        (void)w.write("x");
    }));
    const Response r = roundtrip(s, get("/"));
    CHECK_FALSE(r.has("Set-Cookie"));
    CHECK(r.get("X-Evil") == "a  Set-Cookie: owned");
}
