// examples/stream_page.cpp: seed 002's page rendered with its ws:// URL and the message stream.
#include <doctest/doctest.h>

#include "example_process.hpp"
#include "websocket/close.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

TEST_CASE("stream_page renders ws://HOST/echo into its page and streams --count messages") {
    ExampleProcess server("stream_page", {"--count", "5"});
    REQUIRE(server.wait_listening());
    const std::string page = run_command("curl -s " + local_url(server.port(), "/"));
    CHECK(page.find("new WebSocket(\"ws://127.0.0.1:" + std::to_string(server.port()) +
                    "/echo\")") != std::string::npos);
    // The Host header decides the URL: a page fetched as "localhost" connects to localhost.
    const std::string other =
        run_command("curl -s -H 'Host: localhost:9' " + local_url(server.port(), "/"));
    CHECK(other.find("ws://localhost:9/echo") != std::string::npos);

    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/echo"));
    REQUIRE(conn);
    for (int i = 1; i <= 5; ++i)
        CHECK(next_text(*conn) == "message " + std::to_string(i) + " of 5");
    auto end = conn->read_message();
    REQUIRE(!end);
    CHECK(end.error() == ws::make_close_error_code(ws::close_code::normal));
    CHECK(server.terminate() == 0);
}
