// The server against a client's length claims: a Content-Length or a chunk size is only what the
// client says it will send. Whatever it claims, the server takes memory as bytes arrive, answers
// a claim over its limit before any body byte, and hands a handler exactly the bytes that came.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "http/server_error.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/alloc_probe.hpp"
#include "tests/support/eventually.hpp"

using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

using wire::test::eventually;

namespace {

constexpr std::size_t small = 1024 * 1024;  // no allocation as large as this may follow a claim

// A handler that reads the whole body in small pieces and records how it ended.
struct BodySeen {
    std::atomic<int> calls{0};
    std::atomic<std::uint64_t> bytes{0};
    std::atomic<bool> failed{false};
    std::atomic<bool> finished{false};

    HandlerPtr handler() {
        return handler_func([this](ResponseWriter& w, Request& r) {
            ++calls;
            char buf[16 * 1024];
            for (;;) {
                auto n = r.body().read(buf, sizeof buf);
                if (!n || *n == 0) {
                    failed = !n;
                    break;
                }
                bytes += *n;
            }
            finished = true;
            (void)w.write("read " + std::to_string(bytes.load()));
        });
    }
};

std::string post(std::string_view framing) {
    return "POST /upload HTTP/1.1\r\nHost: a\r\n" + std::string(framing) + "\r\n";
}

}  // namespace

TEST_CASE("a body claim over max_body is answered 413 before any body byte, with no allocation") {
    BodySeen seen;
    TestServer s(seen.handler());  // the default max_body: 32 MiB
    for (const char* framing :
         {"Content-Length: 1000000000\r\n", "Transfer-Encoding: chunked\r\n"}) {
        CAPTURE(framing);
        wire::test::alloc::reset_largest();
        Client c(s);
        const bool chunked = std::string_view(framing).find("chunked") != std::string_view::npos;
        c.send(post(framing) + (chunked ? "ffffffff\r\nhello" : "hello"));
        const Response r = c.read();
        CHECK(r.status == 413);
        CHECK(c.closed_within(3s));
        CHECK(wire::test::alloc::largest.load() < small);
    }
    CHECK(seen.calls == 0);
}

TEST_CASE("a stalled body claim under max_body costs what arrived; the handler sees just that") {
    BodySeen seen;
    TestServer s(seen.handler(), [](Server& cfg) { cfg.limits.max_body = 8ull << 30; });
    std::string request;
    bool streamed = true;  // the handler runs before the body is all here
    SUBCASE("Content-Length: 1000000000") {
        request = post("Content-Length: 1000000000\r\n") + "hello";
    }
    SUBCASE("Content-Length: 1000000000 after 100 Continue") {
        request = post("Content-Length: 1000000000\r\nExpect: 100-continue\r\n");
    }
    SUBCASE("a chunk of ffffffff bytes") {
        // Without a final chunk in sight, a chunked body under max_body_preread is read ahead of
        // the handler: the server holds the bytes and waits for more.
        request = post("Transfer-Encoding: chunked\r\n") + "ffffffff\r\nhello";
        streamed = false;
    }
    wire::test::alloc::reset_largest();
    Client c(s);
    c.send(request);
    if (request.find("100-continue") != std::string::npos) {
        // RFC 9110 §10.1.1: the 100 comes once the handler reads; then the body follows.
        const Response interim = c.read();
        CHECK(interim.status == 100);
        c.send("hello");
    }
    if (streamed) REQUIRE(eventually([&] { return seen.bytes.load() == 5; }));
    std::this_thread::sleep_for(100ms);  // the server waits for the rest
    MESSAGE("largest allocation with a stalled claim: " << wire::test::alloc::largest.load());
    CHECK(wire::test::alloc::largest.load() < small);
    CHECK_FALSE(seen.finished);

    // The client goes away: a handler's read fails, having handed out exactly the 5 bytes.
    (void)c.conn.close();
    if (streamed) {
        REQUIRE(eventually([&] { return seen.finished.load(); }));
        CHECK(seen.failed);
        CHECK(seen.bytes == 5);
    } else {
        std::this_thread::sleep_for(50ms);
        CHECK(seen.calls == 0);
    }
    CHECK(wire::test::alloc::largest.load() < small);
    seen.bytes = 0;
    CHECK(roundtrip(s, post("Content-Length: 3\r\n") + "abc").body == "read 3");
}
