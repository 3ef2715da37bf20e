// examples/system_message.cpp: seed 003, an HTTP POST pushed to every WebSocket listener.
#include <doctest/doctest.h>

#include "example_process.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

TEST_CASE("system_message: POST /api/tool/send_message reaches every listener") {
    ExampleProcess server("system_message");
    REQUIRE(server.wait_listening());
    auto a = ws::Dialer{}.dial(ws_url(server.port(), "/socket/system/message"));
    auto b = ws::Dialer{}.dial(ws_url(server.port(), "/socket/system/message"));
    REQUIRE(a);
    REQUIRE(b);
    const std::string api = local_url(server.port(), "/api/tool/send_message");
    // Each listener joins a moment after its 101: POST until both count.
    std::string posted;
    for (int i = 0; i < 100 && posted != "sent to 2 connection(s)\n"; ++i)
        posted = run_command("curl -s -d 'message=maintenance+at+18%3A00' " + api);
    CHECK(posted == "sent to 2 connection(s)\n");
    CHECK(next_text(*a) == "maintenance at 18:00");
    CHECK(next_text(*b) == "maintenance at 18:00");
    // A listener that leaves no longer counts.
    CHECK(!b->close(1000, "", 2s));
    std::string answer;
    for (int i = 0; i < 50 && answer != "sent to 1 connection(s)\n"; ++i) {
        answer = run_command("curl -s -d message=again " + api);
        std::this_thread::sleep_for(20ms);
    }
    CHECK(answer == "sent to 1 connection(s)\n");
    CHECK(server.terminate() == 0);
}

TEST_CASE("system_message: wrong method 405, missing message 400, the page at /") {
    ExampleProcess server("system_message");
    REQUIRE(server.wait_listening());
    const std::string api = local_url(server.port(), "/api/tool/send_message");
    CHECK(run_command("curl -s -o /dev/null -w '%{http_code}' " + api) == "405");
    CHECK(run_command("curl -s -o /dev/null -w '%{http_code}' -d other=1 " + api) == "400");
    CHECK(run_command("curl -s " + local_url(server.port(), "/")).find("/socket/system/message") !=
          std::string::npos);
    CHECK(server.terminate() == 0);
}
