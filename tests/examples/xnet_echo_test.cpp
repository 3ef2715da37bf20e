// examples/xnet_echo.cpp: seed 004's golang.org/x/net/websocket-style echo.
#include <doctest/doctest.h>

#include "example_process.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

TEST_CASE("xnet_echo answers each message with \"Received: \" + message") {
    ExampleProcess server("xnet_echo");
    REQUIRE(server.wait_listening());
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/"));
    REQUIRE(conn);
    REQUIRE(conn->write_message(ws::Opcode::text, "hello"));
    CHECK(next_text(*conn) == "Received: hello");
    REQUIRE(conn->write_message(ws::Opcode::text, "again"));
    CHECK(next_text(*conn) == "Received: again");
    CHECK(server.wait_for("Received back from client: hello"));
    CHECK(server.wait_for("Sending to client: Received: hello"));
    CHECK(!conn->close(1000, "", 2s));
    CHECK(server.wait_for("Can't receive"));
    CHECK(server.terminate() == 0);
}

TEST_CASE("xnet_echo refuses a plain HTTP request to its WebSocket handler") {
    ExampleProcess server("xnet_echo");
    REQUIRE(server.wait_listening());
    const std::string code =
        run_command("curl -s -o /dev/null -w '%{http_code}' " + local_url(server.port(), "/"));
    CHECK(code.starts_with("4"));  // not an upgrade request: 400 (or 426)
    CHECK(server.terminate() == 0);
}
