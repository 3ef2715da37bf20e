// Raw-socket RFC probes, part 3: what the server sends back (RFC 9110 §6.6, §9.3, §10.1.1,
// §15; RFC 9112 §6.3, §9), and the connection behaviour around it.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/http/rfc_probe_support.hpp"

using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

TEST_CASE("probe: HEAD has the GET's fields and no body (RFC 9110 §9.3.2)") {
    ProbeServer s;
    Client c(s);
    // The GET after the HEAD would be misread if the HEAD response carried body bytes.
    c.send("HEAD /get HTTP/1.1\r\nHost: a\r\n\r\n" + get("/get"));
    const Response head = c.read(true);
    CHECK(head.status == 200);
    CHECK(head.get("Content-Length") == "11");  // RFC 9110 §8.6: the GET's length, MAY
    CHECK(head.get("Content-Type") == "text/plain; charset=utf-8");
    const Response body = c.read();
    CHECK(body.body == "hello world");
}

TEST_CASE(
    "probe: 204 and 304 carry no body; 204 no Content-Length (RFC 9110 §15.3.5, §15.4.5, "
    "§8.6)") {
    ProbeServer s;
    Client c(s);
    c.send(get("/no-content") + get("/not-modified") + get("/get"));
    const Response nc = c.read();
    CHECK(nc.status == 204);
    CHECK_FALSE(nc.has("Content-Length"));  // §8.6: MUST NOT send Content-Length in a 204
    CHECK_FALSE(nc.has("Transfer-Encoding"));
    const Response nm = c.read();
    CHECK(nm.status == 304);
    CHECK(nm.get("ETag") == "\"v1\"");
    // §8.6: a 304's Content-Length, if any, must be the 200's; the server cannot know it.
    CHECK_FALSE(nm.has("Content-Length"));
    CHECK_FALSE(nm.has("Transfer-Encoding"));
    // Had either carried body bytes, this response would not parse.
    CHECK(c.read().body == "hello world");
}

TEST_CASE("probe: 1xx interim responses precede the final one (RFC 9110 §15.2)") {
    ProbeServer s;
    Client c(s);
    c.send(get("/hints"));
    const Response hints = c.read();
    CHECK(hints.status == 103);
    CHECK(hints.get("Link") == "</style.css>; rel=preload");
    const Response final_response = c.read();
    CHECK(final_response.status == 200);
    CHECK(final_response.body == "after hints");
}

TEST_CASE("probe: no 1xx to an HTTP/1.0 client (RFC 9110 §15.2)") {
    ProbeServer s;
    const std::string raw = raw_until_close(s, "GET /hints HTTP/1.0\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(raw.find(" 103 ") == std::string::npos);
}

TEST_CASE(
    "probe: Upgrade we do not speak is ignored; an HTTP/2 preface is refused "
    "(RFC 9110 §7.8, RFC 9113 §3.3)") {
    ProbeServer s;
    // §7.8: a server MAY ignore Upgrade; h2c must then get an ordinary HTTP/1.1 answer.
    const Response r =
        served(s,
               "GET /get HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\n"
               "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.body == "hello world");
    // Prior-knowledge HTTP/2 on an HTTP/1 port: refused (505 or 400), never served.
    const Answer a = ask_then_close(s, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    CHECK((a.response.status == 505 || a.response.status == 400));
    CHECK(a.closed);
}

TEST_CASE("probe: Expect (RFC 9110 §10.1.1)") {
    ProbeServer s;
    SUBCASE("100-continue: 100 before the body is sent, then the final response") {
        Client c(s);
        c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        const Response cont = c.read();
        CHECK(cont.status == 100);
        c.send("hello");
        const Response r = c.read();
        CHECK(r.status == 200);
        CHECK(r.body == "M=POST T=/ H=a B=hello");
    }
    SUBCASE("100-continue in an HTTP/1.0 request is ignored (MUST)") {
        const std::string raw = raw_until_close(
            s, "POST / HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
        CHECK(raw.find(" 100 ") == std::string::npos);
        CHECK(raw.rfind("HTTP/1.1 200 ", 0) == 0);
    }
    SUBCASE("100-continue to a handler that never reads the body: no 100, the final answer") {
        Client c(s);
        c.send(
            "POST /no-content HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
            "Expect: 100-continue\r\n\r\n");
        CHECK(c.read().status == 204);
    }
    SUBCASE("an expectation we do not know: 417") {
        const Response r = served(s, "GET /get HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n");
        CHECK(r.status == 417);
    }
}

TEST_CASE("probe: Connection: close is honoured (RFC 9112 §9.6)") {
    ProbeServer s;
    Client c(s);
    c.send("GET /get HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + get("/get"));
    const Response r = c.read();
    CHECK(r.status == 200);
    CHECK(r.get("Connection") == "close");  // §9.6: the response says so too
    // The request after the close is not answered.
    CHECK(c.closed_within(1500ms));
    // Connection options are a case-insensitive token list.
    const Answer a =
        ask_then_close(s, "GET /get HTTP/1.1\r\nHost: a\r\nConnection: Foo, CLOSE\r\n\r\n");
    CHECK(a.response.get("Connection") == "close");
    CHECK(a.closed);
}

TEST_CASE("probe: Date on every response with a clock (RFC 9110 §6.6.1), Server harmless") {
    ProbeServer s;
    const Response ok = served(s, get("/get"));
    CHECK(ok.get("Date").size() == 29);  // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT"
    CHECK(ok.get("Date").substr(25) == " GMT");
    // RFC 9110 §10.2.4: if present, Server should not give away detail; we send none.
    CHECK_FALSE(ok.has("Server"));
    // §6.6.1: 4xx responses too (MUST for 2xx-4xx), even those the server makes itself.
    const Response bad = served(s, "GET / HTTP/1.1\r\n\r\n");
    CHECK(bad.status == 400);
    CHECK(bad.get("Date").size() == 29);
    const Response redirect = served(s, get("/dir"));
    CHECK(redirect.get("Date").size() == 29);
}

TEST_CASE("probe: OPTIONS * and TRACE (RFC 9110 §9.3.7, §9.3.8)") {
    ProbeServer s;
    const Response options = served(s, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(options.status == 200);
    CHECK(options.get("Content-Length") == "0");
    // TRACE reaches the handler like any method (ours echoes the method, not the request).
    const Response trace = served(s, "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK((trace.status == 200 || trace.status == 405 || trace.status == 501));
}

TEST_CASE(
    "probe: an HTTP/1.0 request gets an HTTP/1.1 status line, never chunked "
    "(RFC 9110 §6.2, RFC 9112 §6.1, §6.3 rule 8)") {
    ProbeServer s;
    // A body of unknown length (flushed): close-delimited.
    const std::string raw = raw_until_close(s, "GET /stream HTTP/1.0\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(raw.find("Transfer-Encoding") == std::string::npos);
    CHECK(raw.find("chunked") == std::string::npos);
    CHECK(raw.substr(raw.size() - 17) == "part one;part two");
    // Even with keep-alive asked for: no length, so the close delimits it.
    const std::string ka =
        raw_until_close(s, "GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(ka.find("chunked") == std::string::npos);
    CHECK(ka.find("Connection: close\r\n") != std::string::npos);
    // The same to HTTP/1.1: chunked.
    const Response r = served(s, get("/stream"));
    CHECK(r.chunked);
    CHECK(r.body == "part one;part two");
}

TEST_CASE(
    "probe: 405 with Allow, 404, and 301 redirects with Location (RFC 9110 §15.5.6, "
    "§15.4.2)") {
    ProbeServer s;
    {
        // The probe mux's "/" matches every method, so 405 needs a mux without a catch-all.
        auto mux = std::make_shared<ServeMux>();
        mux->handle_func("POST /post", [](ResponseWriter& w, Request&) { (void)w.write("ok"); });
        TestServer narrow(mux);
        const Response not_allowed = served(narrow, get("/post"));
        CHECK(not_allowed.status == 405);
        CHECK(not_allowed.get("Allow") == "POST");  // §15.5.6: MUST generate Allow
        CHECK(not_allowed.has("Content-Length"));
        const Response not_found = served(narrow, get("/nothing"));
        CHECK(not_found.status == 404);
        CHECK(not_found.get("Date").size() == 29);
    }
    const Response dir = served(s, get("/dir"));
    CHECK(dir.status == 301);
    CHECK(dir.get("Location") == "/dir/");
    const Response clean = served(s, get("/dir/../get"));
    CHECK(clean.status == 301);
    CHECK(clean.get("Location") == "/get");
}

TEST_CASE("probe: error answers are delimited and close (RFC 9112 §6.3, §9.6)") {
    ProbeServer s;
    const std::string raw = raw_until_close(s, "GET / HTTP/1.1\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(raw.find("\r\nContent-Length: ") != std::string::npos);
    CHECK(raw.find("\r\nConnection: close\r\n") != std::string::npos);
}

TEST_CASE("probe: CONNECT to an origin server (RFC 9110 §9.3.6)") {
    ProbeServer s;
    // We are no proxy: the request reaches the mux, which must not tunnel; any final status
    // but 2xx is fine (a 2xx would switch the connection to a tunnel).
    const Response r =
        served(s, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    CHECK(r.status >= 300);
}

TEST_CASE("probe: a head that dribbles in is cut off (RFC 9112 §9.5, slowloris)") {
    ProbeServer s;  // read_header_timeout = 400 ms
    Client c(s);
    c.send("GET / HTTP/1.1\r\nHo");
    const auto started = std::chrono::steady_clock::now();
    std::string raw;
    c.conn.set_read_deadline(wire::net::Conn::Clock::now() + 5s);
    char tmp[1024];
    for (;;) {
        auto n = c.conn.read(tmp, sizeof tmp);
        if (!n || *n == 0) break;
        raw.append(tmp, *n);
    }
    CHECK(std::chrono::steady_clock::now() - started < 3s);
    // Closed silently, or with a 408 (RFC 9110 §15.5.9).
    CHECK((raw.empty() || raw.rfind("HTTP/1.1 408 ", 0) == 0));
}

TEST_CASE("probe: an error answer to HEAD has no content either (RFC 9110 §9.3.2)") {
    ProbeServer s;
    const std::string raw = raw_until_close(s, "HEAD / HTTP/1.1\r\nHost: a\r\nExpect: x\r\n\r\n");
    CHECK(raw.rfind("HTTP/1.1 417 ", 0) == 0);
    CHECK(raw.size() >= 4);
    CHECK(raw.substr(raw.size() - 4) == "\r\n\r\n");  // the head, and nothing after it
}
