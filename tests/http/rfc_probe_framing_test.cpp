// Raw-socket RFC probes, part 2: message framing and request smuggling (RFC 9112 §6, §7),
// pipelining (§9.3.2) and the body limit.
#include <doctest/doctest.h>

#include <string>

#include "tests/http/rfc_probe_support.hpp"

using namespace wire::http;
using namespace wire::http::test;

namespace {

std::string post(std::string_view fields, std::string_view body) {
    std::string r = "POST / HTTP/1.1\r\nHost: a\r\n";
    r.append(fields).append("\r\n").append(body);
    return r;
}

// The echo handler's body for a served POST: "M=POST T=/ H=a B=<body>".
std::string echoed(std::string_view body) {
    return "M=POST T=/ H=a B=" + std::string(body);
}

}  // namespace

TEST_CASE("probe: Transfer-Encoding with Content-Length is refused (RFC 9112 §6.1, §6.3)") {
    ProbeServer s;
    // §6.1: such a request "ought to be handled as an error"; processing it as chunked would
    // require closing after it. We answer 400 and close.
    check_rejected(s, post("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
                   400);
    check_rejected(s, post("Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", "0\r\n\r\n"),
                   400);
}

TEST_CASE("probe: Transfer-Encoding lists (RFC 9112 §6.1, §6.3 rule 4, §7)") {
    ProbeServer s;
    // §6.3 rule 4: the final coding of a request must be chunked, else 400 and close.
    check_rejected(s, post("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"), 400);
    check_rejected(s, post("Transfer-Encoding: identity\r\n", "0\r\n\r\n"), 400);
    // §7: chunked MUST NOT be applied more than once.
    check_rejected(s, post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"), 400);
    check_rejected(
        s, post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400);
    // Not chunked, just similar: an unknown final coding (400 or 501, then close).
    for (const char* te : {"xchunked", "chunked-false", "\"chunked\"", "chunk"}) {
        CAPTURE(te);
        const Answer a =
            ask_then_close(s, post(std::string("Transfer-Encoding: ") + te + "\r\n", "0\r\n\r\n"));
        CHECK((a.response.status == 400 || a.response.status == 501));
        CHECK(a.closed);
    }
    // A control character hiding the coding (VT) is no field value at all (RFC 9110 §5.5).
    check_rejected(s,
                   post("Transfer-Encoding: \x0b"
                        "chunked\r\n",
                        "0\r\n\r\n"),
                   400);
    // Empty list elements are allowed and ignored (RFC 9110 §5.6.1).
    CHECK(served(s, post("Transfer-Encoding: , chunked,\r\n", "3\r\nabc\r\n0\r\n\r\n")).body ==
          echoed("abc"));
    // §6.1: a coding we do not implement under chunked: 501.
    check_rejected(s, post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501);
    // §7: coding names are case-insensitive.
    CHECK(served(s, post("Transfer-Encoding: CHUNKED\r\n", "3\r\nabc\r\n0\r\n\r\n")).body ==
          echoed("abc"));
    // §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing: refused and closed.
    const Answer a = ask_then_close(
        s, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
    CHECK(a.response.status == 400);
    CHECK(a.closed);
}

TEST_CASE("probe: Content-Length syntax (RFC 9110 §8.6, RFC 9112 §6.3 rule 5)") {
    ProbeServer s;
    // Content-Length = 1*DIGIT: signs, inner spaces, hex, empty and overflow are invalid.
    for (const char* cl : {"+3", "-3", "3 3", "0x3", "3a", "", "3.0", "99999999999999999999999"}) {
        CAPTURE(cl);
        check_rejected(s, post(std::string("Content-Length: ") + cl + "\r\n", "abc"), 400);
    }
    // Differing values, in one field or two: 400 (§8.6 "MUST ... treat it as an error").
    check_rejected(s, post("Content-Length: 3, 4\r\n", "abcd"), 400);
    check_rejected(s, post("Content-Length: 3\r\nContent-Length: 4\r\n", "abcd"), 400);
    // OWS around the value is not part of it; leading zeros are digits.
    CHECK(served(s, post("Content-Length: \t3 \r\n", "abc")).body == echoed("abc"));
    CHECK(served(s, post("Content-Length: 003\r\n", "abc")).body == echoed("abc"));
    // §8.6: identical repeated values MAY be accepted as one; or rejected. Either, but never a
    // different length.
    for (const char* fields :
         {"Content-Length: 3, 3\r\n", "Content-Length: 3\r\nContent-Length: 3\r\n"}) {
        CAPTURE(fields);
        const Response r = served(s, post(fields, "abc"));
        CHECK((r.status == 400 || r.body == echoed("abc")));
    }
}

TEST_CASE("probe: chunked bodies (RFC 9112 §7.1)") {
    ProbeServer s;
    const char* te = "Transfer-Encoding: chunked\r\n";
    SUBCASE("extensions, with and without quoted values, are ignored (§7.1.1)") {
        CHECK(served(s, post(te, "3;a=b;c\r\nabc\r\n2;q=\"x;y\"\r\nde\r\n0;end\r\n\r\n")).body ==
              echoed("abcde"));
        // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
        const Response r = served(s, post(te, "3 ; a = b\r\nabc\r\n0\r\n\r\n"));
        CHECK((r.status == 400 || r.body == echoed("abc")));
    }
    SUBCASE("trailer fields are read and the connection stays usable (§7.1.2)") {
        Client c(s);
        c.send(post(te, "3\r\nabc\r\n0\r\nX-Checksum: 1\r\nX-More: 2\r\n\r\n") + get("/get"));
        CHECK(c.read().body == echoed("abc"));
        CHECK(c.read().body == "hello world");
    }
    SUBCASE("framing fields in the trailer are ignored (§7.1.2 MUST NOT change framing)") {
        Client c(s);
        c.send(post(te, "3\r\nabc\r\n0\r\nContent-Length: 50\r\nTransfer-Encoding: x\r\n\r\n") +
               get("/get"));
        CHECK(c.read().body == echoed("abc"));
        CHECK(c.read().body == "hello world");
    }
    SUBCASE("oversized extensions and trailers are refused") {
        const Answer ext =
            ask_then_close(s, post(te, "3;x=" + std::string(5000, 'a') + "\r\nabc\r\n0\r\n\r\n"));
        CHECK((ext.response.status == 400 || ext.response.status == 413));
        CHECK(ext.closed);
        const Answer trailer =
            ask_then_close(s, post(te, "0\r\nX: " + std::string(10000, 't') + "\r\n\r\n"));
        CHECK((trailer.response.status == 400 || trailer.response.status == 431));
        CHECK(trailer.closed);
    }
    SUBCASE("upper- and lower-case hex, leading zeros") {
        CHECK(served(s, post(te, "000A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n")).body ==
              echoed("0123456789abcdefghijk"));
    }
    SUBCASE("malformed sizes: 400 and close") {
        check_rejected(s, post(te, "x\r\nabc\r\n0\r\n\r\n"), 400);
        check_rejected(s, post(te, "-3\r\nabc\r\n0\r\n\r\n"), 400);
        check_rejected(s, post(te, "0x3\r\nabc\r\n0\r\n\r\n"), 400);
        check_rejected(s, post(te, " 3\r\nabc\r\n0\r\n\r\n"), 400);
        check_rejected(s, post(te, "\r\nabc\r\n0\r\n\r\n"), 400);
    }
    SUBCASE("a size that overflows 64 bits never wraps to a small one") {
        // 2^64 + 3 would wrap to 3 in a careless decoder and smuggle "abc" as the body.
        const Answer a = ask_then_close(s, post(te, "10000000000000003\r\nabc\r\n0\r\n\r\n"));
        CHECK((a.response.status == 400 || a.response.status == 413));
        CHECK(a.closed);
        const Answer b = ask_then_close(s, post(te, "ffffffffffffffff\r\nabc\r\n"));
        CHECK((b.response.status == 400 || b.response.status == 413));
        CHECK(b.closed);
    }
    SUBCASE("chunk data must be followed by CRLF") {
        check_rejected(s, post(te, "3\r\nabcX\r\n0\r\n\r\n"), 400);
        check_rejected(s, post(te, "3\r\nabcd\r\n0\r\n\r\n"), 400);
    }
    SUBCASE("a missing final CRLF is not taken as the end of the trailers") {
        // "0\r\n" then the next request: the request line is no trailer field.
        Client c(s);
        c.send(post(te, "3\r\nabc\r\n0\r\n") + get("/get"));
        const Response r = c.read();
        CHECK(r.status == 400);
        CHECK(r.get("Connection") == "close");
    }
    SUBCASE("bare LF in chunk framing is refused (§2.2, strict by default)") {
        check_rejected(s, post(te, "3\nabc\n0\n\n"), 400);
        check_rejected(s, post(te, "3\r\nabc\n0\r\n\r\n"), 400);
    }
}

TEST_CASE("probe: bare LF line endings in the head are refused by default (RFC 9112 §2.2)") {
    ProbeServer s;
    check_rejected(s, "GET / HTTP/1.1\nHost: a\n\n", 400);
    check_rejected(s, "GET / HTTP/1.1\r\nHost: a\n\r\n", 400);
}

TEST_CASE("probe: the body limit gives 413 before the body is read (RFC 9110 §15.5.14)") {
    ProbeServer s;
    check_rejected(s, post("Content-Length: 5000\r\n", ""), 413);
    check_rejected(s, post("Transfer-Encoding: chunked\r\n", "2000\r\n"), 413);
    // Chunks that add up past the limit.
    std::string chunks;
    for (int i = 0; i < 5; ++i)
        chunks += "400\r\n" + std::string(1024, 'x') + "\r\n";
    check_rejected(s, post("Transfer-Encoding: chunked\r\n", chunks + "0\r\n\r\n"), 413);
}

TEST_CASE("probe: pipelined requests are answered in order (RFC 9112 §9.3.2)") {
    ProbeServer s;
    SUBCASE("GET, POST with a body, HEAD, GET in one write") {
        Client c(s);
        c.send(get("/get") + post("Content-Length: 5\r\n", "hello") +
               "HEAD /get HTTP/1.1\r\nHost: a\r\n\r\n" + get("/dir/"));
        CHECK(c.read().body == "hello world");
        CHECK(c.read().body == echoed("hello"));
        const Response head = c.read(true);
        CHECK(head.status == 200);
        CHECK(head.get("Content-Length") == "11");
        CHECK(c.read().body == "dir");
    }
    SUBCASE("a bad request after good ones: the good ones are answered, then 400 and close") {
        Client c(s);
        c.send(get("/get") + get("/dir/") + "GET / HTTP/1.1\r\nHost: a\r\nBad Field: 1\r\n\r\n" +
               get("/get"));
        CHECK(c.read().body == "hello world");
        CHECK(c.read().body == "dir");
        const Response bad = c.read();
        CHECK(bad.status == 400);
        CHECK(bad.get("Connection") == "close");
        CHECK(c.closed_within(std::chrono::milliseconds(1500)));
    }
    SUBCASE("a smuggling attempt after a good request closes the connection") {
        Client c(s);
        c.send(get("/get") +
               post("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\nG") +
               get("/get"));
        CHECK(c.read().body == "hello world");
        CHECK(c.read().status == 400);
        CHECK(c.closed_within(std::chrono::milliseconds(1500)));
    }
}
