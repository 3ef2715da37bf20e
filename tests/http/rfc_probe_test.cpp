// Raw-socket RFC probes, part 1: the request line and the header section (RFC 9112 §2-§5,
// RFC 9110 §5, §7.2, §9). Framing and smuggling are in rfc_probe_framing_test.cpp, response
// semantics in rfc_probe_response_test.cpp.
#include <doctest/doctest.h>

#include <string>

#include "tests/http/rfc_probe_support.hpp"

using namespace wire::http;
using namespace wire::http::test;
using namespace std::string_literals;

TEST_CASE("probe: methods are tokens, case-sensitive, and unknown ones reach the handler") {
    ProbeServer s;
    // RFC 9110 §9.1: method = token; any registered or extension method may be sent.
    for (const char* method : {"PROPFIND", "M-SEARCH", "X!#$%&'*+.^_`|~9", "get"}) {
        CAPTURE(method);
        const Response r = served(s, std::string(method) + " / HTTP/1.1\r\nHost: a\r\n\r\n");
        // RFC 9110 §9.1: an unrecognized method may be answered 501; our mux serves it.
        CHECK((r.status == 200 || r.status == 501));
        if (r.status == 200) CHECK(r.body.rfind(std::string("M=") + method + " ", 0) == 0);
    }
    // RFC 9112 §3: a method that is not a token is a malformed request line: 400.
    check_rejected(s, "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GE\x7fT / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
}

TEST_CASE("probe: request-line shape (RFC 9112 §3)") {
    ProbeServer s;
    // request-line = method SP request-target SP HTTP-version: exactly one SP each.
    check_rejected(s, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET /\r\nHost: a\r\n\r\n", 400);  // HTTP/0.9 is not served
    check_rejected(s, "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    // RFC 9112 §3.2: whitespace inside the target is invalid.
    check_rejected(s, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    // RFC 9112 §2.2: at least one empty line before the request line SHOULD be ignored.
    const Response r = served(s, "\r\nGET /get HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.body == "hello world");
}

TEST_CASE("probe: HTTP-version (RFC 9112 §2.3, RFC 9110 §2.5)") {
    ProbeServer s;
    // HTTP-name is case-sensitive %s"HTTP"; versions are single digits.
    check_rejected(s, "GET / http/1.1\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.x\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/11\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / FOO/1.1\r\nHost: a\r\n\r\n", 400);
    // RFC 9110 §15.6.6: a major version we do not support: 505.
    check_rejected(s, "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
    check_rejected(s, "GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505);
    check_rejected(s, "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505);
    // RFC 9110 §6.2: a higher minor version is served as the highest we speak, HTTP/1.1.
    const Response r = served(s, "GET /get HTTP/1.2\r\nHost: a\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.version_minor == 1);
}

TEST_CASE("probe: request-target forms (RFC 9112 §3.2)") {
    ProbeServer s;
    SUBCASE("absolute-form is accepted, and its authority wins over Host (§3.2.2)") {
        const Response r =
            served(s, "GET http://other.example/x?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        CHECK(r.status == 200);
        CHECK(r.body.find(" H=other.example ") != std::string::npos);
    }
    SUBCASE("authority-form only for CONNECT (§3.2.3)") {
        check_rejected(s, "GET example.com:80 HTTP/1.1\r\nHost: example.com\r\n\r\n", 400);
    }
    SUBCASE("CONNECT needs authority-form (§3.2.3)") {
        check_rejected(s, "CONNECT / HTTP/1.1\r\nHost: example.com\r\n\r\n", 400);
    }
    SUBCASE("asterisk-form only for OPTIONS (§3.2.4)") {
        check_rejected(s, "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        const Response r = served(s, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
        CHECK(r.status < 300);
    }
    SUBCASE("percent-encodings must be whole (RFC 3986 §2.1, RFC 9112 §3.2)") {
        check_rejected(s, "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        check_rejected(s, "GET /a%2 HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        check_rejected(s, "GET /?q=% HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        CHECK(served(s, "GET /%41%2f?q=%7E HTTP/1.1\r\nHost: a\r\n\r\n").status == 200);
    }
    SUBCASE("a target longer than the limit: 414 (RFC 9110 §15.5.15)") {
        check_rejected(s, "GET /" + std::string(3000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n", 414);
    }
}

TEST_CASE("probe: HTTP/1.0 persistence is opt-in (RFC 9112 §9.3)") {
    ProbeServer s;
    SUBCASE("without keep-alive the connection closes after the response") {
        const Answer a = ask_then_close(s, "GET /get HTTP/1.0\r\n\r\n");
        CHECK(a.response.status == 200);
        CHECK(a.response.version_minor == 1);  // RFC 9110 §6.2: we send our own version
        CHECK(a.response.body == "hello world");
        CHECK(a.closed);
    }
    SUBCASE("Connection: keep-alive keeps it, and the response says so (§9.3, RFC 7230 A.1.2)") {
        Client c(s);
        c.send("GET /get HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const Response r = c.read();
        CHECK(r.status == 200);
        CHECK(r.get("Connection") == "keep-alive");
        c.send("GET /get HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        CHECK(c.read().body == "hello world");
    }
}

TEST_CASE("probe: field syntax (RFC 9112 §5, RFC 9110 §5.5)") {
    ProbeServer s;
    // §5.1: no whitespace between field name and colon: MUST be rejected with 400.
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A\t: 1\r\n\r\n", 400);
    // §5.2: obs-fold in a request: reject with 400 (or unfold; we reject).
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n", 400);
    // §2.2: whitespace before the first field line: reject (or consume the line; we reject).
    check_rejected(s, "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400);
    // §2.2: a bare CR is invalid anywhere in the head.
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r2\r\n\r\n", 400);
    check_rejected(s, "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    // RFC 9110 §5.5: NUL in a field value: reject (or replace with SP; we reject).
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\0 2\r\n\r\n"s, 400);
    // RFC 9110 §5.1: field-name = token.
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n", 400);
    // RFC 9110 §5.5: OWS around the value is not part of it; obs-text (0x80-0xFF) is allowed.
    const Response r =
        served(s, "GET / HTTP/1.1\r\nHost: \t a.example \t\r\nX: caf\xc3\xa9\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(r.body.find(" H=a.example ") != std::string::npos);
}

TEST_CASE("probe: Host (RFC 9112 §3.2, RFC 9110 §7.2)") {
    ProbeServer s;
    // §3.2: a server MUST respond 400 to an HTTP/1.1 request without Host, with more than one
    // Host field, or with an invalid one.
    check_rejected(s, "GET / HTTP/1.1\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400);
    // (An empty Host is left unprobed: RFC 9112 §3.2 has clients send one when the target URI
    // has no authority, RFC 9110 §4.2.1 forbids an "http" URI with an empty host. Go and wire
    // accept it; nginx answers 400.)
    // HTTP/1.0 predates Host: none is fine.
    CHECK(served(s, "GET /get HTTP/1.0\r\n\r\n").status == 200);
    // uri-host may be an IP literal with a port.
    CHECK(served(s, "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").status == 200);
    // RFC 3986 §3.2.3: port = *DIGIT, so "host:port" is invalid; a TCP port ends at 65535; an
    // empty port means the default one.
    check_rejected(s, "GET / HTTP/1.1\r\nHost: host:port\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: [::1]:x\r\n\r\n", 400);
    CHECK(served(s, "GET / HTTP/1.1\r\nHost: a:\r\n\r\n").status == 200);
    // §3.2.2: an absolute-form target's authority stands for Host, under the same rule.
    check_rejected(s, "GET http://h:x/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    CHECK(served(s, "GET http://h:8080/ HTTP/1.1\r\nHost: h\r\n\r\n").status == 200);
}

TEST_CASE("probe: head size limits give 431 (RFC 6585 §5)") {
    ProbeServer s;
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(9000, 'b') + "\r\n\r\n",
                   431);
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 60; ++i)
        many += "X-" + std::to_string(i) + ": v\r\n";
    check_rejected(s, many + "\r\n", 431);
    // 49 fields are under the limit of 50.
    std::string ok = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 48; ++i)
        ok += "X-" + std::to_string(i) + ": v\r\n";
    CHECK(served(s, ok + "\r\n").status == 200);
}
