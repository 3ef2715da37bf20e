// examples/hijack.cpp (seed 004): after hijack() the handler speaks raw TCP.
#include <doctest/doctest.h>

#include <string>

#include "net/dial.hpp"
#include "tests/examples/example_process.hpp"

namespace {

// Reads until `text` has arrived (or the peer closes, or 5 s pass).
std::string read_until_has(wire::net::Conn& conn, std::string& got, std::string_view text) {
    char buf[1024];
    while (got.find(text) == std::string::npos) {
        auto n = conn.read(buf, sizeof buf);
        if (!n || *n == 0) break;
        got.append(buf, *n);
    }
    return got;
}

}  // namespace

TEST_CASE("hijack: the prompt, the client's line quoted back, bye, and the connection closes") {
    wire::test::ExampleProcess p("hijack", {"--port", "0"});
    REQUIRE(p.started());
    const int port = p.wait_for_port();
    REQUIRE(port > 0);

    auto conn = wire::net::dial("127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
    REQUIRE(conn);
    conn->set_deadline(wire::net::Conn::Clock::now() + std::chrono::seconds(5));
    REQUIRE(conn->write("GET /hijack HTTP/1.1\r\nHost: x\r\n\r\n"));

    std::string got;
    read_until_has(*conn, got, "Say hi: ");
    // No HTTP response: the first bytes are the new protocol's.
    CHECK(got == "Now we're speaking raw TCP. Say hi: ");

    REQUIRE(conn->write("hi \"there\"\n"));
    got.clear();
    read_until_has(*conn, got, "Bye.\n");
    CHECK(got == "You said: \"hi \\\"there\\\"\\n\"\nBye.\n");

    char byte;
    auto n = conn->read(&byte, 1);
    CHECK((n && *n == 0));  // the handler's thread closed the connection

    CHECK(p.stop() == 0);
}

TEST_CASE("hijack: bytes sent along with the request are not lost in the hand-over") {
    wire::test::ExampleProcess p("hijack", {"--port", "0"});
    REQUIRE(p.started());
    const int port = p.wait_for_port();
    REQUIRE(port > 0);
    auto conn = wire::net::dial("127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
    REQUIRE(conn);
    conn->set_deadline(wire::net::Conn::Clock::now() + std::chrono::seconds(5));
    // The answer line travels in the same write as the request: the server has read it before
    // the handler runs, and hijack() must hand it over in the reader.
    REQUIRE(conn->write("GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nearly\n"));
    std::string got;
    read_until_has(*conn, got, "Bye.\n");
    CHECK(got == "Now we're speaking raw TCP. Say hi: You said: \"early\\n\"\nBye.\n");
}
