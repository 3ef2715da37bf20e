// LoopConn's sending side: the bounded queue, each slow-consumer policy, and on_drain.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/websocket/event_client.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {

constexpr int flood_count = 300;           // 300 x 64 KiB: far more than loopback buffers hold
constexpr std::size_t flood_size = 65536;  // large frames: written with writev, queued as copies

struct Flood {
    std::atomic<int> sent{0}, buffered{0}, dropped{0}, drains{0};
    std::atomic<bool> drained_empty{true};
};

// "flood" makes the server send flood_count numbered messages at once to a client not reading.
std::unique_ptr<WebSocketServer> flood_server(Flood& f, SlowConsumerPolicy policy,
                                              std::size_t max_queued) {
    Endpoint e;
    e.options.slow_consumer = policy;
    e.options.limits.max_queued_bytes = max_queued;
    e.handlers.on_message = [&f](LoopConn& c, const LoopMessage&) {
        std::string m(flood_size, '.');
        for (int i = 0; i < flood_count; ++i) {
            // The sequence number as 8 zero-padded digits at the front of the message.
            std::string seq = std::to_string(i);
            seq.insert(0, 8 - seq.size(), '0');
            m.replace(0, 8, seq);
            switch (c.send_text(m)) {
                case SendStatus::sent:
                    f.sent.fetch_add(1);
                    break;
                case SendStatus::buffered:
                    f.buffered.fetch_add(1);
                    break;
                case SendStatus::dropped:
                    f.dropped.fetch_add(1);
                    break;
            }
        }
    };
    e.handlers.on_drain = [&f](LoopConn& c) {
        if (c.buffered_amount() != 0) f.drained_empty = false;
        f.drains.fetch_add(1);
    };
    ServerOptions o;
    o.loops = 1;
    auto s = std::make_unique<WebSocketServer>(o);
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

// Reads numbered messages until a close frame (returned in `close`) or end of stream.
std::vector<int> read_numbers(Client& c, std::uint16_t& close, std::size_t max = flood_count) {
    std::vector<int> got;
    while (got.size() < max) {
        auto f = c.read_frame();
        if (!f) break;
        if (f->opcode == Opcode::close) {
            close = f->close_code();
            break;
        }
        if (f->opcode == Opcode::text) got.push_back(std::stoi(f->payload.substr(0, 8)));
    }
    return got;
}

bool strictly_increasing(const std::vector<int>& v) {
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i] <= v[i - 1]) return false;
    return true;
}

}  // namespace

TEST_CASE("LoopConn send queue: the close policies send what was queued, then 1013 or 1008") {
    for (auto [policy, code] :
         {std::pair{SlowConsumerPolicy::close_try_again_later, close_code::try_again_later},
          std::pair{SlowConsumerPolicy::close_policy_violation, close_code::policy_violation}}) {
        Flood f;
        auto server = flood_server(f, policy, 256 * 1024);
        Client c = Client::connect(server->port());
        REQUIRE(c.send(Opcode::text, "flood"));
        std::this_thread::sleep_for(50ms);  // a slow consumer: not reading while the flood goes
        std::uint16_t close = 0;
        const auto got = read_numbers(c, close);
        CHECK(close == code);
        CHECK(f.dropped.load() > 0);
        CHECK(got.size() < static_cast<std::size_t>(flood_count));
        // Everything before the close arrived, in order, without a gap.
        for (std::size_t i = 0; i < got.size(); ++i)
            CHECK(got[i] == static_cast<int>(i));
        (void)c.send_close(code);
        CHECK(c.wait_eof());
        CHECK(server->engine().stats().dropped == static_cast<std::uint64_t>(f.dropped.load()));
    }
}

TEST_CASE("LoopConn send queue: drop_newest keeps the connection and the oldest messages") {
    Flood f;
    auto server = flood_server(f, SlowConsumerPolicy::drop_newest, 256 * 1024);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "flood"));
    std::this_thread::sleep_for(50ms);
    c.set_timeout(1500ms);  // the flood ends; the last read times out (slow under TSan)
    std::uint16_t close = 0;
    const auto got = read_numbers(c, close);
    CHECK(close == 0);
    CHECK(f.dropped.load() > 0);
    CHECK(got.size() + static_cast<std::size_t>(f.dropped.load()) == flood_count);
    for (std::size_t i = 0; i < got.size(); ++i)
        CHECK(got[i] == static_cast<int>(i));  // a prefix: the newest were dropped
    CHECK(f.drains.load() >= 1);
    CHECK(f.drained_empty.load());
}

TEST_CASE("LoopConn send queue: drop_oldest keeps the newest messages") {
    Flood f;
    auto server = flood_server(f, SlowConsumerPolicy::drop_oldest, 256 * 1024);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "flood"));
    std::this_thread::sleep_for(50ms);
    c.set_timeout(1500ms);
    std::uint16_t close = 0;
    const auto got = read_numbers(c, close);
    CHECK(close == 0);
    CHECK(f.dropped.load() == 0);                 // every send was accepted ...
    CHECK(server->engine().stats().dropped > 0);  // ... and older queued ones gave way
    REQUIRE_FALSE(got.empty());
    CHECK(got.back() == flood_count - 1);  // the newest arrived
    CHECK(got.size() < static_cast<std::size_t>(flood_count));
    CHECK(strictly_increasing(got));
}

TEST_CASE("LoopConn send queue: on_drain fires once the queue is empty") {
    Flood f;
    auto server = flood_server(f, SlowConsumerPolicy::drop_newest, 64 * 1024 * 1024);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "flood"));
    std::this_thread::sleep_for(50ms);
    CHECK(f.buffered.load() > 0);  // the kernel could not take it all
    CHECK(f.drains.load() == 0);   // nothing read yet: still queued
    std::uint16_t close = 0;
    const auto got = read_numbers(c, close);
    CHECK(got.size() == static_cast<std::size_t>(flood_count));
    for (int i = 0; i < 200 && f.drains.load() == 0; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(f.drains.load() >= 1);
    CHECK(f.drained_empty.load());
    CHECK(server->engine().stats().queued_bytes == 0);
}
