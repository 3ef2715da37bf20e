// examples/ws_echo_server.cpp: the bench's echo server, on fibers (default) and with --threads.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "example_process.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

namespace {

void check_echo_and_broadcast(ExampleProcess& server) {
    REQUIRE(server.wait_listening());
    // Several connections at once, so that fibers of one loop interleave.
    std::vector<ws::Conn> conns;
    for (int i = 0; i < 4; ++i) {
        auto c = ws::Dialer{}.dial(ws_url(server.port(), "/"));
        REQUIRE(c);
        conns.push_back(std::move(*c));
    }
    for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < conns.size(); ++i) {
            const std::string text =
                "conn " + std::to_string(i) + " round " + std::to_string(round);
            REQUIRE(conns[i].write_message(ws::Opcode::text, text));
        }
        for (std::size_t i = 0; i < conns.size(); ++i) {
            const std::string text =
                "conn " + std::to_string(i) + " round " + std::to_string(round);
            CHECK(next_text(conns[i]) == text);
        }
    }
    // 4 MiB: more than the socket buffers hold, so the server's write parks mid-message.
    std::vector<std::uint8_t> big(4 << 20);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<std::uint8_t>(i * 7 + i / 4099);
    REQUIRE(conns[0].write_message(ws::Opcode::binary, big));
    conns[0].set_read_deadline(ws::Clock::now() + 10s);
    auto back = conns[0].read_message();
    REQUIRE(back);
    CHECK(back->type == ws::Opcode::binary);
    CHECK((std::vector<std::uint8_t>(back->data.begin(), back->data.end()) == big));
    for (auto& c : conns)
        CHECK(!c.close(ws::close_code::normal, "", 2s));

    // /broadcast: every member gets every message, the sender included.
    auto a = ws::Dialer{}.dial(ws_url(server.port(), "/broadcast"));
    auto b = ws::Dialer{}.dial(ws_url(server.port(), "/broadcast"));
    REQUIRE(a);
    REQUIRE(b);
    // Joining is asynchronous (b may join after a's first messages): a repeats until b hears.
    std::atomic<bool> heard{false};
    std::thread sender([&] {
        for (int i = 0; i < 200 && !heard; ++i) {
            if (!a->write_message(ws::Opcode::text, "hello")) return;
            std::this_thread::sleep_for(20ms);
        }
    });
    CHECK(next_text(*b, 10s) == "hello");
    heard = true;
    sender.join();
    CHECK(next_text(*a) == "hello");  // the sender is a member too
    (void)a->close(ws::close_code::normal, "", 2s);
}

}  // namespace

TEST_CASE("ws_echo_server on fibers echoes, broadcasts and exits cleanly on SIGTERM") {
    ExampleProcess server("ws_echo_server", {"--loops", "2"});
    check_echo_and_broadcast(server);
    CHECK(server.transcript().find("a fiber per connection") != std::string::npos);
    CHECK(server.terminate() == 0);
}

TEST_CASE("ws_echo_server --threads keeps the thread-per-connection model, exits 0 on SIGTERM") {
    ExampleProcess server("ws_echo_server", {"--threads"});
    check_echo_and_broadcast(server);
    CHECK(server.transcript().find("a thread per connection") != std::string::npos);
    CHECK(server.terminate() == 0);
}
