#include "http/serializer.hpp"

#include <doctest/doctest.h>

#include <array>

#include "http/body_reader.hpp"
#include "http/parser.hpp"

using namespace wire;

namespace {

struct Parsed {
    http::MessageHead head;
    std::string body;
    std::size_t consumed = 0;
};

Parsed parse_all(std::string_view bytes, http::HeadParser::Kind kind,
                 std::array<http::Field, 32>& fields) {
    http::HeadParser p(kind, fields);
    const http::ParseResult r = p.parse(bytes);
    REQUIRE(r.done());
    Parsed out{p.head(), {}, r.consumed};
    http::BodyReader body;
    body.start(out.head);
    while (!body.done()) {
        const http::BodyResult b = body.read(bytes.substr(out.consumed));
        REQUIRE_FALSE(b.failed());
        REQUIRE(b.consumed > 0);
        out.body.append(b.data);
        out.consumed += b.consumed;
    }
    return out;
}

}  // namespace

TEST_CASE("a serialized response round-trips through the parser") {
    http::Header h;
    h.set("content-type", "text/plain; charset=utf-8");
    h.add("set-cookie", "a=1");
    h.add("set-cookie", "b=2");
    http::Serializer s;
    s.status_line(200);
    s.fields(h);
    s.content_length(13);
    s.end_head();
    s.append("hello world!\n");
    CHECK(s.data().substr(0, 17) == "HTTP/1.1 200 OK\r\n");

    std::array<http::Field, 32> fields{};
    const Parsed p = parse_all(s.data(), http::HeadParser::Kind::response, fields);
    CHECK(p.consumed == s.size());
    CHECK(p.head.status == 200);
    CHECK(p.head.reason == "OK");
    CHECK(p.head.fields.get("Content-Type") == "text/plain; charset=utf-8");
    CHECK(p.head.fields.values("Set-Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
    CHECK(p.body == "hello world!\n");
}

TEST_CASE("chunked encoding with trailers round-trips through the decoder") {
    http::Serializer s;
    s.status_line(200);
    s.field("Transfer-Encoding", "chunked");
    s.field("Trailer", "X-Checksum");
    s.end_head();
    const std::string pieces[] = {"hello", " ", std::string(300, 'x'), "!"};
    std::string expected;
    for (const std::string& piece : pieces) {
        s.chunk_header(piece.size());
        s.append(piece);
        s.chunk_end();
        expected += piece;
    }
    http::Header trailers;
    trailers.add("X-Checksum", "abc123");
    s.last_chunk(&trailers);
    CHECK(s.data().find("12c\r\n") != std::string_view::npos);  // 300 in hex

    std::array<http::Field, 32> fields{};
    const Parsed p = parse_all(s.data(), http::HeadParser::Kind::response, fields);
    CHECK(p.head.framing == http::Framing::chunked);
    CHECK(p.body == expected);
    CHECK(p.consumed == s.size());
}

TEST_CASE("a serialized request round-trips, and clear() reuses the buffer") {
    http::Serializer s;
    for (int round = 0; round < 2; ++round) {
        s.clear();
        s.request_line("POST", "/api?x=1");
        s.field("Host", "example.com");
        s.content_length(2);
        s.end_head();
        s.append("{}");
        std::array<http::Field, 32> fields{};
        const Parsed p = parse_all(s.data(), http::HeadParser::Kind::request, fields);
        CHECK(p.head.method == "POST");
        CHECK(p.head.target == "/api?x=1");
        CHECK(p.body == "{}");
    }
}

TEST_CASE("the serializer never lets a value split the message") {
    http::Serializer s;
    s.status_line(404, "Not\r\nFound");
    CHECK_FALSE(s.field("Bad Name", "x"));
    CHECK_FALSE(s.field("", "x"));
    CHECK(s.field("X-Injected", std::string_view("a\r\nSet-Cookie: evil=1\0z", 24)));
    s.end_head();
    std::array<http::Field, 32> fields{};
    http::HeadParser p(http::HeadParser::Kind::response, fields);
    REQUIRE(p.parse(s.data()).done());
    CHECK(p.head().fields.size() == 1);
    CHECK(p.head().fields.get("x-injected") == "a  Set-Cookie: evil=1 z");
    CHECK(p.head().reason == "Not  Found");
}

TEST_CASE("status lines use the registered reason and fall back to 500 for nonsense codes") {
    http::Serializer s;
    s.status_line(404);
    s.status_line(42);
    s.status_line(599);
    s.status_line(200, {}, 0);
    CHECK(s.data() ==
          "HTTP/1.1 404 Not Found\r\nHTTP/1.1 500 Internal Server Error\r\n"
          "HTTP/1.1 599 \r\nHTTP/1.0 200 OK\r\n");
}

TEST_CASE("chunk_size_line writes hex sizes for writev") {
    std::array<char, 18> tmp;
    CHECK(http::chunk_size_line(0, tmp) == "0\r\n");
    CHECK(http::chunk_size_line(255, tmp) == "ff\r\n");
    CHECK(http::chunk_size_line(SIZE_MAX, tmp) == "ffffffffffffffff\r\n");
}
