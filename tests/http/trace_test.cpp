#include "http/trace.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/support/trace_lines.hpp"

using namespace wire::http;
using wire::test::capture_stderr;

TEST_CASE("describe_head(raw): a WebSocket upgrade request, one annotated line per part") {
    const std::string raw =
        "GET /chat HTTP/1.1\r\n"
        "Host: server.example.com\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "X-Custom: 1\r\n"
        "\r\n";
    const std::string out = describe_head(raw, Direction::received);
    CHECK(out ==
          "http recv | GET /chat HTTP/1.1                      # request-line: method, target, "
          "version (RFC 9112 §3)\n"
          "http recv | Host: server.example.com                # the host (and port) the request "
          "is for (RFC 9112 §3.2)\n"
          "http recv | Upgrade: websocket                      # the protocol the sender wants to "
          "switch to (RFC 9110 §7.8)\n"
          "http recv | Connection: Upgrade                     # options for this hop only: close, "
          "keep-alive, upgrade (RFC 9110 §7.6.1)\n"
          "http recv | X-Custom: 1\n"
          "http recv | = no body, keep-alive, asks to upgrade\n");
}

TEST_CASE("describe_head(raw): a response, its framing and connection fate") {
    const std::string raw =
        "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhello world!";
    const std::string out = describe_head(raw, Direction::sent);
    CHECK(out.rfind("http send | HTTP/1.1 200 OK ", 0) == 0);
    CHECK(out.find("# status-line: version, status code, reason (RFC 9112 §4)") !=
          std::string::npos);
    CHECK(out.find("http send | = a body of 12 bytes (Content-Length), then close\n") !=
          std::string::npos);
}

TEST_CASE("describe_head(raw): a head that fails says where and why") {
    const std::string out =
        describe_head("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", Direction::received);
    CHECK(out ==
          "http recv | error at byte 23: a CR was not followed by LF (RFC 9112 §2.2) -> 400 Bad "
          "Request\n");
    const std::string incomplete = describe_head("GET / HTTP/1.1\r\nHo", Direction::received);
    CHECK(incomplete.find("incomplete head: 18 bytes") != std::string::npos);
}

TEST_CASE("describe_framing names each of RFC 9112 §6.3's cases") {
    MessageHead h;
    CHECK(describe_framing(h) == "no body");
    h.framing = Framing::content_length;
    h.content_length = 1;
    CHECK(describe_framing(h) == "a body of 1 byte (Content-Length)");
    h.framing = Framing::chunked;
    CHECK(describe_framing(h) == "a chunked body (RFC 9112 §7.1)");
    h.framing = Framing::until_close;
    CHECK(describe_framing(h) == "a body until the connection closes (RFC 9112 §6.3)");
}

TEST_CASE("describe_error gives the status a server answers for a request only") {
    CHECK(describe_error(Error::too_many_fields, 7, true) ==
          "error at byte 7: the message has more header fields than Limits::max_fields -> 431 "
          "Request Header Fields Too Large");
    CHECK(describe_error(Error::bad_status_code, 9, false) ==
          "error at byte 9: the status code is not three digits (RFC 9112 §4)");
}

TEST_CASE("field_note looks names up case-insensitively") {
    CHECK(field_note("CONTENT-length") == "the body is exactly this many bytes (RFC 9110 §8.6)");
    CHECK(field_note("sec-websocket-key").find("RFC 6455 §4.1") != std::string_view::npos);
    CHECK(field_note("x-unknown").empty());
}

TEST_CASE("direction words and trace_enabled") {
    CHECK(direction_word(Direction::received) == "recv");
    CHECK(direction_word(Direction::sent) == "send");
    // The test runner does not set WIRE_TRACE; if a developer does, the value is read once.
    const bool first = trace_enabled();
    CHECK(trace_enabled() == first);
}

TEST_CASE("trace_write writes whole lines to standard error, adding the newline") {
    CHECK(capture_stderr([] { trace_write("one"); }) == "one\n");
    CHECK(capture_stderr([] { trace_write("two\nthree\n"); }) == "two\nthree\n");
    CHECK(capture_stderr([] { trace_write(""); }).empty());
}

TEST_CASE("trace_head prints only when WIRE_TRACE is set") {
    const std::string out = capture_stderr(
        [] { trace_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Direction::received); });
    if (trace_enabled()) {
        CHECK(out.rfind("http recv | GET / HTTP/1.1", 0) == 0);
    } else {
        CHECK(out.empty());
    }
}
