// LoopConn: messages in and out, control frames, errors, the bounded send queue with each
// slow-consumer policy, on_drain, heartbeats, and thousands of clients at once.
#include "websocket/loop_conn.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/eventually.hpp"
#include "tests/websocket/event_client.hpp"
#include "websocket/detail/loop_state.hpp"
#include "websocket/frame.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

using wire::test::eventually;

namespace {

std::unique_ptr<WebSocketServer> start_server(Endpoint e, std::size_t loops = 2) {
    ServerOptions o;
    o.loops = loops;
    auto s = std::make_unique<WebSocketServer>(o);
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

Endpoint echo_endpoint() {
    Endpoint e;
    e.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    return e;
}

}  // namespace

TEST_CASE("LoopConn: 2,000 clients exchange messages with no loss and in order") {
    test::raise_fd_limit();
    auto server = start_server(echo_endpoint());
    constexpr int clients_n = 2000, rounds = 4;
    std::vector<Client> clients;
    clients.reserve(clients_n);
    for (int i = 0; i < clients_n; ++i)
        clients.push_back(Client::connect(server->port()));
    int ok = 0;
    for (int r = 0; r < rounds; ++r) {
        // Each client sends two messages back to back: they must come back in order.
        for (int i = 0; i < clients_n; ++i) {
            const std::string m = std::to_string(i) + ":" + std::to_string(r);
            REQUIRE(clients[static_cast<std::size_t>(i)].send(Opcode::text, m + "a"));
            REQUIRE(clients[static_cast<std::size_t>(i)].send(Opcode::text, m + "b"));
        }
        for (int i = 0; i < clients_n; ++i) {
            const std::string m = std::to_string(i) + ":" + std::to_string(r);
            auto& c = clients[static_cast<std::size_t>(i)];
            if (c.read_message() == m + "a" && c.read_message() == m + "b") ++ok;
        }
    }
    CHECK(ok == clients_n * rounds);
    const EventStats s = server->engine().stats();
    CHECK(s.connections == clients_n);
    CHECK(s.messages_in == 2u * clients_n * rounds);
    CHECK(s.messages_out == 2u * clients_n * rounds);
    CHECK(s.dropped == 0);
}

TEST_CASE("LoopConn: message sizes around the frame length encodings and the cork size") {
    auto server = start_server(echo_endpoint(), 1);
    Client c = Client::connect(server->port());
    for (std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 16383u, 16384u, 300000u}) {
        std::string m(size, 'x');
        for (std::size_t i = 0; i < size; ++i)
            m[i] = static_cast<char>('a' + i % 26);
        REQUIRE(c.send(Opcode::binary, m));
        CHECK(c.read_message() == m);
    }
}

TEST_CASE("LoopConn: a fragmented message is joined; streaming delivers the fragments") {
    SUBCASE("joined") {
        auto server = start_server(echo_endpoint(), 1);
        Client c = Client::connect(server->port());
        REQUIRE(c.send(Opcode::text, "hel", false));
        REQUIRE(
            c.send(Opcode::ping, "in between"));  // RFC 6455 §5.4: control frames may interleave
        REQUIRE(c.send(Opcode::continuation, "lo", true));
        const auto pong = c.read_frame();
        REQUIRE(pong);
        CHECK(pong->opcode == Opcode::pong);
        CHECK(pong->payload == "in between");
        CHECK(c.read_message() == "hello");
    }
    SUBCASE("streamed") {
        Endpoint e;
        e.options.stream_fragments = true;
        e.handlers.on_fragment = [](LoopConn& c, const Fragment& f) {
            const std::string s =
                std::string(f.first ? "[" : "") +
                std::string(reinterpret_cast<const char*>(f.payload.data()), f.payload.size()) +
                (f.last ? "]" : "");
            (void)c.send_text(s);
        };
        auto server = start_server(e, 1);
        Client c = Client::connect(server->port());
        REQUIRE(c.send(Opcode::text, "ab", false));
        CHECK(c.read_message() == "[ab");
        REQUIRE(c.send(Opcode::continuation, "cd", true));
        CHECK(c.read_message() == "cd]");
    }
}

TEST_CASE("LoopConn: ping, pong and the closing handshake") {
    std::mutex mu;
    std::vector<std::string> seen;
    Endpoint e = echo_endpoint();
    e.handlers.on_ping = [&](LoopConn&, std::span<const std::uint8_t> p) {
        std::lock_guard l(mu);
        seen.push_back("ping:" + std::string(p.begin(), p.end()));
    };
    e.handlers.on_pong = [&](LoopConn&, std::span<const std::uint8_t> p) {
        std::lock_guard l(mu);
        seen.push_back("pong:" + std::string(p.begin(), p.end()));
    };
    e.handlers.on_close = [&](LoopConn&, std::uint16_t code, std::string_view reason) {
        std::lock_guard l(mu);
        seen.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
    };
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::ping, "p1"));
    auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == Opcode::pong);
    CHECK(f->payload == "p1");
    REQUIRE(c.send(Opcode::pong, "unsolicited"));
    REQUIRE(c.send(Opcode::close, format_close_message(close_code::normal, "bye")));
    f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == Opcode::close);
    CHECK(f->close_code() == close_code::normal);  // echoed (RFC 6455 §5.5.1)
    CHECK(c.wait_eof());                           // and the server closed TCP (§7.1.1)
    REQUIRE(eventually([&] {
        std::lock_guard l(mu);
        return seen.size() == 3;
    }));
    std::lock_guard l(mu);
    CHECK(seen[0] == "ping:p1");
    CHECK(seen[1] == "pong:unsolicited");
    CHECK(seen[2] == "close:1000:bye");
}

TEST_CASE("LoopConn: protocol errors fail the connection with the matching close code") {
    Endpoint e;
    e.options.limits.frame.max_message_size = 1000;
    auto server = start_server(e, 1);
    SUBCASE("an unmasked client frame: 1002") {
        Client c = Client::connect(server->port());
        REQUIRE(c.write_all(std::string("\x81\x02hi", 4)));
        const auto f = c.read_frame();
        REQUIRE(f);
        CHECK(f->close_code() == close_code::protocol_error);
        CHECK(c.wait_eof());
    }
    SUBCASE("over max_message_size: 1009") {
        Client c = Client::connect(server->port());
        REQUIRE(c.send(Opcode::binary, std::string(1001, 'x')));
        const auto f = c.read_frame();
        REQUIRE(f);
        CHECK(f->close_code() == close_code::message_too_big);
        CHECK(c.wait_eof());
    }
    SUBCASE("invalid UTF-8 in a text message: 1007") {
        Client c = Client::connect(server->port());
        REQUIRE(c.send(Opcode::text, "\xff\xfe"));
        const auto f = c.read_frame();
        REQUIRE(f);
        CHECK(f->close_code() == close_code::invalid_payload);
        CHECK(c.wait_eof());
    }
    SUBCASE("the peer vanishes: on_close sees 1006") {
        Client c = Client::connect(server->port());
        (void)c.socket().close();
        CHECK(
            eventually([&] { return server->engine().stats().closes(close_code::abnormal) == 1; }));
    }
}

TEST_CASE("LoopConn heartbeats: a silent peer is pinged, then dropped within its bound") {
    Endpoint e = echo_endpoint();
    e.options.timeouts.ping_interval = 100ms;
    e.options.timeouts.pong_timeout = 100ms;
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    const auto t0 = std::chrono::steady_clock::now();
    const auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == Opcode::ping);
    CHECK(c.wait_eof());  // no pong, no byte at all: gone
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(waited >= 150ms);  // ping after 100 ms, pong deadline 100 ms later
    CHECK(waited < 1500ms);
    CHECK(eventually([&] { return server->engine().stats().closes(close_code::abnormal) == 1; }));
}

TEST_CASE("LoopConn heartbeats: a peer that answers pings stays; an idle one gets 1001") {
    Endpoint e = echo_endpoint();
    e.options.timeouts.ping_interval = 50ms;
    e.options.timeouts.pong_timeout = 200ms;
    e.options.timeouts.idle = 400ms;
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    const auto t0 = std::chrono::steady_clock::now();
    int pings = 0;
    std::uint16_t close = 0;
    for (;;) {
        const auto f = c.read_frame();
        if (!f) break;
        if (f->opcode == Opcode::ping) {
            ++pings;
            REQUIRE(c.send(Opcode::pong, f->payload));
        } else if (f->opcode == Opcode::close) {
            close = f->close_code();
            break;
        }
    }
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK(pings >= 3);                       // kept alive past several pong deadlines...
    CHECK(close == close_code::going_away);  // ... but no data message for `idle`
    CHECK(waited >= 350ms);
    CHECK(waited < 2s);
    (void)c.send_close(close_code::going_away);
    CHECK(c.wait_eof());
}

TEST_CASE(
    "LoopConn heartbeats: a close frame that gets no answer is abandoned after timeouts.close") {
    Endpoint e;
    e.options.timeouts.close = 100ms;
    e.handlers.on_message = [](LoopConn& c, const LoopMessage&) { c.close(4000, "go"); };
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::text, "x"));
    const auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->close_code() == 4000);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.wait_eof());
    CHECK(std::chrono::steady_clock::now() - t0 < 1500ms);
    CHECK(eventually([&] { return server->engine().stats().closes(close_code::abnormal) == 1; }));
}

TEST_CASE("LoopConn: an idle connection holds no read buffer and costs at most 256 bytes") {
    // The object, its timer's entry in the loop's heap and its slots in the loop's tables: what
    // every idle connection costs, once a large message (a partial frame held across reads, a
    // send the kernel may not take at once) has come and gone.
    const std::size_t idle = sizeof(LoopConn) + sizeof(void*) + wire::net::EventLoop::slot_bytes +
                             detail::LoopState::slot_bytes;
    std::atomic<std::size_t> idle_cost{0};
    Endpoint e;
    e.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    e.handlers.on_pong = [&](LoopConn& c, std::span<const std::uint8_t>) {
        idle_cost = c.memory_usage();  // after a message and its echo: idle again
    };
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    REQUIRE(c.send(Opcode::binary, std::string(100000, 'x')));  // crosses reads: a partial frame
    CHECK(c.read_message()->size() == 100000);
    REQUIRE(c.send(Opcode::pong, ""));
    REQUIRE(eventually([&] { return idle_cost.load() != 0; }));
    MESSAGE("memory per idle connection: " << idle_cost.load() << " B");
    CHECK(idle_cost.load() == idle);
    CHECK(idle_cost.load() <= 256);
}

TEST_CASE("LoopConn: a message whose fragments and text arrive in separate reads") {
    // Between reads the reader's state inside a message (its fragments so far, text checked
    // ahead and unmasked in a partial frame) is kept by the connection; between messages none.
    std::atomic<std::size_t> idle_cost{0};
    Endpoint e = echo_endpoint();
    e.handlers.on_pong = [&](LoopConn& c, std::span<const std::uint8_t>) {
        idle_cost = c.memory_usage();
    };
    auto server = start_server(e, 1);
    Client c = Client::connect(server->port());
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac " + std::string(3000, 'y');
    REQUIRE(c.send(Opcode::text, text.substr(0, 4), false));
    std::this_thread::sleep_for(20ms);
    // A continuation cut inside the two-byte e-acute, then inside the euro sign.
    std::vector<std::uint8_t> frame(frame_size(text.size() - 4, true));
    const auto r = encode_frame(
        make_header(Opcode::continuation, false, Role::client, MaskKey{1, 2, 3, 4}),
        {reinterpret_cast<const std::uint8_t*>(text.data()) + 4, text.size() - 4}, frame);
    REQUIRE_FALSE(r.error);
    const std::string_view bytes(reinterpret_cast<const char*>(frame.data()), r.written);
    std::size_t from = 0;
    for (const std::size_t cut : {std::size_t{9}, std::size_t{13}, bytes.size()}) {
        REQUIRE(c.write_all(bytes.substr(from, cut - from)));
        from = cut;
        std::this_thread::sleep_for(20ms);
    }
    REQUIRE(c.send(Opcode::ping, "p"));  // control frames may come between fragments
    REQUIRE(c.send(Opcode::continuation, "!", true));
    const auto pong = c.read_frame();
    REQUIRE(pong);
    CHECK(pong->opcode == Opcode::pong);
    CHECK(c.read_message() == text + "!");
    REQUIRE(c.send(Opcode::pong, ""));
    REQUIRE(eventually([&] { return idle_cost.load() != 0; }));
    CHECK(idle_cost.load() == sizeof(LoopConn) + sizeof(void*) + wire::net::EventLoop::slot_bytes +
                                  detail::LoopState::slot_bytes);
}

TEST_CASE("LoopConn: frames cut at the ends of the loop's receive buffers arrive whole, in order") {
    // On io_uring the kernel receives into the loop's 16 KiB buffers and frames are read where
    // they landed; one written burst of frames of odd sizes cuts some at a buffer's end. A large
    // frame sent in two writes is cut while its rest is still on its way.
    auto server = start_server(echo_endpoint(), 1);
    Client c = Client::connect(server->port());
    std::vector<std::string> sent;
    std::string burst;
    for (int i = 0; i < 60; ++i) {
        std::string m(static_cast<std::size_t>(997 + 613 * (i % 11)), 'a');
        for (std::size_t j = 0; j < m.size(); ++j)
            m[j] = static_cast<char>('a' + (j + static_cast<std::size_t>(i)) % 26);
        burst += Client::frame(Opcode::binary, m);
        sent.push_back(std::move(m));
    }
    REQUIRE(c.write_all(burst));
    for (std::size_t i = 0; i < sent.size(); ++i) {
        CAPTURE(i);
        REQUIRE(c.read_message() == sent[i]);
    }
    const std::string big(40000, 'z');
    const std::string frame = Client::frame(Opcode::binary, big);
    REQUIRE(c.write_all(std::string_view(frame).substr(0, 20000)));
    std::this_thread::sleep_for(30ms);
    REQUIRE(c.write_all(std::string_view(frame).substr(20000)));
    CHECK(c.read_message() == big);
}

TEST_CASE("LoopConn: a frame header cut at a receive buffer's end, at each of its bytes") {
    // One burst each: a first frame ends `k` bytes before the 16 KiB mark, so the next frame's
    // 8-byte header (2 bytes, a 2-byte length, the mask) is cut after k of its bytes.
    auto server = start_server(echo_endpoint(), 1);
    Client c = Client::connect(server->port());
    for (std::size_t k = 1; k < 8; ++k) {
        CAPTURE(k);
        const std::string first(16384 - k - 8, static_cast<char>('a' + k));
        const std::string second(1000, static_cast<char>('A' + k));
        REQUIRE(Client::frame(Opcode::binary, first).size() == 16384 - k);
        REQUIRE(c.write_all(Client::frame(Opcode::binary, first) +
                            Client::frame(Opcode::binary, second)));
        CHECK(c.read_message() == first);
        CHECK(c.read_message() == second);
    }
}
