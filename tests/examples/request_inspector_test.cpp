// examples/request_inspector.cpp (seed 000): run it, send requests, check what it reports.
#include <doctest/doctest.h>

#include <string>

#include "net/dial.hpp"
#include "tests/examples/example_process.hpp"

namespace {

// Sends `request` on a new connection and reads until the server closes it.
std::string exchange(int port, std::string_view request) {
    auto conn = wire::net::dial("127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
    REQUIRE(conn);
    conn->set_deadline(wire::net::Conn::Clock::now() + std::chrono::seconds(5));
    REQUIRE(conn->write(request));
    std::string reply;
    char buf[4096];
    for (;;) {
        auto n = conn->read(buf, sizeof buf);
        if (!n || *n == 0) break;
        reply.append(buf, *n);
    }
    return reply;
}

bool has(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("request_inspector prints address, method, path, headers and body, and answers") {
    wire::test::ExampleProcess p("request_inspector", {"--port", "0"});
    REQUIRE(p.started());
    const int port = p.wait_for_port();
    REQUIRE(port > 0);

    const std::string reply = exchange(port,
                                       "POST /go?x=1 HTTP/1.1\r\nHost: example.test\r\n"
                                       "X-Seed: 000\r\nContent-Length: 9\r\n"
                                       "Connection: close\r\n\r\nname=wire");
    CHECK(reply.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(has(reply, "Content-Type: text/plain; charset=utf-8\r\n"));
    CHECK(has(reply, "method: POST\nurl: /go\nquery: x=1\nproto: HTTP/1.1\n"));
    CHECK(has(reply, "  X-Seed: 000\n"));
    CHECK(has(reply, "body: \"name=wire\" (9 bytes)\n"));
    CHECK(has(reply, "test OK\n"));

    // The same report on standard output, starting with the client's address.
    const auto first = p.out_line();
    REQUIRE(first);
    CHECK(first->rfind("127.0.0.1:", 0) == 0);
    CHECK(has(*first, " connected"));
    CHECK(p.out_line() == std::optional<std::string>("method: POST"));

    // Any other path is inspected too; control bytes in the body are escaped.
    const std::string other = exchange(port,
                                       "PUT /anything HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                                       "Connection: close\r\n\r\na\x01\n");
    CHECK(has(other, "url: /anything\n"));
    CHECK(has(other, "body: \"a\\x01\\n\" (3 bytes)\n"));

    CHECK(p.stop() == 0);  // SIGTERM is a clean shutdown
}
