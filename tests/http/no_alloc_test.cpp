// The hot paths allocate nothing in the steady state (STYLE.md: no heap per request): this
// binary replaces operator new with a counting one (tests/support/alloc_probe.hpp) and parses,
// decodes and serializes.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "http/body_reader.hpp"
#include "http/header.hpp"
#include "http/parser.hpp"
#include "http/serializer.hpp"
#include "tests/support/alloc_probe.hpp"

// The counting operator new for this binary (tests/support/alloc_probe.hpp).
WIRE_TEST_REPLACE_OPERATOR_NEW

namespace {
std::atomic<std::size_t>& g_news = wire::test::alloc::news;
}

using namespace wire;

TEST_CASE("parsing pipelined requests with bodies allocates nothing") {
    const std::string_view stream =
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n"
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        "PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nT: "
        "1\r\n\r\n"
        "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
    std::array<http::Field, 16> fields{};
    http::HeadParser parser(http::HeadParser::Kind::request, fields);
    http::BodyReader body;
    const std::size_t before = g_news;
    std::size_t messages = 0, body_bytes = 0;
    for (int round = 0; round < 100; ++round) {
        std::string_view rest = stream;
        while (!rest.empty()) {
            parser.reset();
            const http::ParseResult r = parser.parse(rest);
            REQUIRE(r.done());
            rest.remove_prefix(r.consumed);
            body.start(parser.head());
            while (!body.done()) {
                const http::BodyResult b = body.read(rest);
                REQUIRE_FALSE(b.failed());
                body_bytes += b.data.size();
                rest.remove_prefix(b.consumed);
            }
            ++messages;
        }
    }
    CHECK(messages == 400);
    CHECK(body_bytes == 800);
    CHECK(g_news.load() == before);
}

TEST_CASE("a warmed-up Header and Serializer allocate nothing per response") {
    http::Header header;
    http::Serializer out;
    auto one_response = [&] {
        header.clear();
        header.set("Content-Type", "text/plain; charset=utf-8");
        header.set("Date", "Sun, 06 Nov 1994 08:49:37 GMT");
        out.clear();
        out.status_line(200);
        out.fields(header);
        out.content_length(13);
        out.end_head();
    };
    one_response();  // warm-up: buffers reach their size
    const std::size_t before = g_news;
    for (int i = 0; i < 100; ++i)
        one_response();
    CHECK(g_news.load() == before);
    CHECK(out.data().substr(0, 17) == "HTTP/1.1 200 OK\r\n");
}
