// examples/channel_echo.cpp: seed 001's Connection wrapper: echo plus a heartbeat every second.
#include <doctest/doctest.h>

#include <filesystem>

#include "example_process.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

TEST_CASE("channel_echo echoes through the in/out queues and sends a heartbeat every second") {
    ExampleProcess server("channel_echo");
    REQUIRE(server.wait_listening());
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/ws"));
    REQUIRE(conn);
    // The heartbeat starts at once, then comes every second.
    CHECK(next_text(*conn) == "heartbeat");
    const auto start = std::chrono::steady_clock::now();
    REQUIRE(conn->write_message(ws::Opcode::text, "ping from the test"));
    bool echoed = false;
    int heartbeats = 0;
    while (!echoed || heartbeats < 1) {
        auto text = next_text(*conn, 3s);
        REQUIRE(text);
        if (*text == "heartbeat")
            ++heartbeats;
        else if (*text == "ping from the test")
            echoed = true;
        else
            FAIL("unexpected message: " << *text);
    }
    CHECK(std::chrono::steady_clock::now() - start >= 500ms);  // the next beat waited ~1 s
    CHECK(!conn->close(ws::close_code::normal, "", 2s));
    CHECK(server.terminate() == 0);
}

TEST_CASE("channel_echo serves seed 001's client.html rendered with its ws:// URL") {
    ExampleProcess server("channel_echo");
    REQUIRE(server.wait_listening());
    const std::string page = run_command("curl -s " + local_url(server.port(), "/"));
    if (std::filesystem::exists("examples/demo/www/seed/001/client.html")) {
        CHECK(page.find("ws://127.0.0.1:" + std::to_string(server.port()) + "/ws") !=
              std::string::npos);
        CHECK(page.find("{{ws_url}}") == std::string::npos);
    } else {
        CHECK(page.find("client.html not found") != std::string::npos);
    }
    CHECK(server.terminate() == 0);
}

TEST_CASE("channel_echo: a shutdown with clients connected ends every thread and exits 0") {
    ExampleProcess server("channel_echo");
    REQUIRE(server.wait_listening());
    auto a = ws::Dialer{}.dial(ws_url(server.port(), "/ws"));
    auto b = ws::Dialer{}.dial(ws_url(server.port(), "/ws"));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(next_text(*a) == "heartbeat");
    CHECK(server.terminate(SIGTERM, 5s) == 0);
    // The wrapper closes like gorilla's Conn.Close: the socket, without a close frame.
    for (;;) {
        auto more = next_text(*a, 3s);
        if (!more) break;
    }
}
