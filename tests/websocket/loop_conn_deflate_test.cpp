// permessage-deflate on the event-driven side (LoopConn on an Engine, through a ServeMux route):
// negotiation, echo at every window and takeover mode, what a peer gets wrong, the Hub's
// compress-once broadcast, and what a connection keeps in memory.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/support/json_like.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/close_error.hpp"
#include "websocket/dialer.hpp"
#include "websocket/error.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/route.hpp"

using namespace wire;
using wire::test::json_like;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

// An HTTP server with a compressing echo route at /echo and a Hub route at /sub.
struct Fixture {
    std::shared_ptr<http::ServeMux> mux = std::make_shared<http::ServeMux>();
    http::Server server;
    Engine engine;
    Endpoint echo;
    Endpoint sub;
    std::atomic<std::size_t> memory{0};  // the echo connection's memory_usage after a reply
    std::atomic<int> subscribed{0};
    // Written by the loop's thread (on_fragment): declared before `running`, so it is destroyed
    // after the server has stopped (TSan: the handler's clear() raced its destruction).
    std::string pieces;
    bool in_message = false;
    std::unique_ptr<websocket::test::Running> running;

    explicit Fixture(CompressionOptions prefs = {}, bool stream = false) {
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        server.handler = mux;
        prefs.threshold = 0;
        for (Endpoint* e : {&echo, &sub}) {
            e->options.enable_compression = true;
            e->options.compression = prefs;
            e->options.trace = {};
        }
        echo.options.stream_fragments = stream;
        if (stream) {
            // Each message must begin with a piece marked `first`; the echo says when not.
            echo.handlers.on_fragment = [this](LoopConn& c, const Fragment& f) {
                if (f.first) in_message = true;
                if (!in_message) {
                    (void)c.send_text("a piece before the message's first");
                    return;
                }
                pieces.append(reinterpret_cast<const char*>(f.payload.data()), f.payload.size());
                if (!f.last) return;
                (void)c.send(f.opcode,
                             {reinterpret_cast<const std::uint8_t*>(pieces.data()), pieces.size()});
                pieces.clear();
                in_message = false;
            };
        } else {
            echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
                (void)c.send(m.opcode, m.payload);
            };
            // Between messages: what an idle connection keeps.
            echo.handlers.on_ping = [this](LoopConn& c, std::span<const std::uint8_t>) {
                memory.store(c.memory_usage());
            };
        }
        sub.handlers.on_open = [this](LoopConn& c) {
            c.subscribe("news");
            subscribed.fetch_add(1);
        };
        handle(*mux, "/echo", engine, echo);
        handle(*mux, "/sub", engine, sub);
        running = std::make_unique<websocket::test::Running>(server);
    }
    std::string url(std::string_view path) const {
        return "ws://127.0.0.1:" + std::to_string(server.address().port()) + std::string(path);
    }
};

Dialer compressing_dialer(CompressionOptions prefs = {}) {
    Dialer d;
    d.enable_compression = true;
    d.compression = prefs;
    d.compression.threshold = 0;
    d.trace = {};
    return d;
}

std::string raw_masked(Opcode op, bool fin, std::string_view payload, std::uint8_t rsv) {
    FrameHeader h = make_header(op, fin, Role::client, MaskKey{1, 2, 3, 4}, rsv);
    std::string out(frame_size(payload.size(), true), '\0');
    const auto r =
        encode_frame(h, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
                     {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    REQUIRE_FALSE(r.error);
    return out;
}

std::string deflated(std::string_view message, int level = 6) {
    MessageDeflater d(15, true, level);
    std::string out(MessageDeflater::bound(message.size()), '\0');
    const auto r =
        d.deflate({reinterpret_cast<const std::uint8_t*>(message.data()), message.size()},
                  {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
    REQUIRE(r.done);
    out.resize(r.produced);
    return out;
}

// The close code the server answers `bytes` with (written raw on a negotiated connection).
std::uint16_t server_verdict(Fixture& f, const std::string& bytes) {
    auto conn = compressing_dialer().dial(f.url("/echo"));
    REQUIRE(conn);
    REQUIRE(conn->compression() != nullptr);
    REQUIRE(conn->net_conn().write(bytes));
    conn->set_read_deadline(Clock::now() + 5s);
    for (;;) {
        auto m = conn->read_message();
        if (m) continue;
        if (m.error().category() != close_category()) return 0;
        return static_cast<std::uint16_t>(m.error().value());
    }
}

// One echo, then a ping: the server records its memory_usage() when the ping arrives.
void idle_after_message(Conn& conn, const std::string& text) {
    REQUIRE(conn.write_message(Opcode::text, text));
    REQUIRE(conn.read_message());
    REQUIRE(conn.write_control(Opcode::ping, std::string_view("m"), Clock::now() + 1s));
    REQUIRE(conn.write_message(Opcode::text, std::string_view("after")));
    REQUIRE(conn.read_message());
}

}  // namespace

TEST_CASE("LoopConn permessage-deflate: echo of every size, with and without context takeover") {
    for (const bool takeover : {true, false}) {
        CAPTURE(takeover);
        CompressionOptions prefs;
        prefs.server_no_context_takeover = !takeover;
        prefs.client_no_context_takeover = !takeover;
        Fixture f(prefs);
        auto conn = compressing_dialer().dial(f.url("/echo"));
        REQUIRE(conn);
        REQUIRE(conn->compression() != nullptr);
        CHECK(conn->compression()->server_no_context_takeover == !takeover);
        for (std::size_t n : {0u, 1u, 200u, 4096u, 16384u, 100000u, 1u << 20, 3u << 20}) {
            CAPTURE(n);
            const std::string text = json_like(n);
            for (const Opcode op : {Opcode::text, Opcode::binary}) {
                REQUIRE(conn->write_message(op, text));
                auto back = conn->read_message();
                REQUIRE(back);
                CHECK(back->type == op);
                CHECK(back->text() == text);
            }
        }
        // Fragmented by the client (a MessageWriter), joined and inflated by the server.
        const std::string big = json_like(300000);
        auto w = conn->next_writer(Opcode::text);
        REQUIRE(w);
        for (std::size_t at = 0; at < big.size(); at += 5000)
            REQUIRE(w->write(std::string_view(big).substr(at, 5000)));
        REQUIRE(w->close());
        auto back = conn->read_message();
        REQUIRE(back);
        CHECK(back->text() == big);
        CHECK_FALSE(conn->close());
    }
}

TEST_CASE("LoopConn permessage-deflate: stream_fragments hands on inflated pieces") {
    Fixture f({}, /*stream=*/true);
    auto conn = compressing_dialer().dial(f.url("/echo"));
    REQUIRE(conn);
    for (std::size_t n : {10u, 70000u, 2u << 20}) {
        const std::string text = json_like(n);
        REQUIRE(conn->write_message(Opcode::text, text));
        auto back = conn->read_message();
        REQUIRE(back);
        CHECK(back->text() == text);
    }
}

// RFC 7692 §6.1 lets a peer cut the compressed data anywhere: a first frame may carry too few
// bytes to inflate to anything (one byte of a block header), or none at all. The message's
// first piece is still the one marked `first`.
TEST_CASE(
    "LoopConn permessage-deflate: stream_fragments marks the first piece after a mute "
    "first frame") {
    Fixture f({}, /*stream=*/true);
    auto conn = compressing_dialer().dial(f.url("/echo"));
    REQUIRE(conn);
    REQUIRE(conn->compression() != nullptr);
    conn->set_read_deadline(Clock::now() + 5s);
    const std::string text = json_like(3000);
    const std::string data = deflated(text);
    for (const std::size_t cut : {std::size_t{1}, std::size_t{0}}) {
        CAPTURE(cut);
        REQUIRE(conn->net_conn().write(
            raw_masked(Opcode::text, false, std::string_view(data).substr(0, cut), rsv1) +
            raw_masked(Opcode::continuation, true, std::string_view(data).substr(cut), 0)));
        auto back = conn->read_message();
        REQUIRE(back);
        INFO("echo: " << back->text().substr(0, 60));
        CHECK((back->text() == text));
    }
}

TEST_CASE("LoopConn permessage-deflate: every window size 8..15 each way, exactly") {
    const std::string text = json_like(40000);
    for (int bits = 8; bits <= 15; ++bits) {
        CAPTURE(bits);
        CompressionOptions server_prefs;
        server_prefs.client_max_window_bits = bits;
        Fixture f(server_prefs);
        CompressionOptions client_prefs;
        client_prefs.server_max_window_bits = bits;
        auto conn = compressing_dialer(client_prefs).dial(f.url("/echo"));
        REQUIRE(conn);
        REQUIRE(conn->compression() != nullptr);
        CHECK(conn->compression()->server_max_window_bits == bits);
        CHECK(conn->compression()->client_max_window_bits == bits);
        for (int round = 0; round < 3; ++round) {
            REQUIRE(conn->write_message(Opcode::text, text));
            auto back = conn->read_message();
            REQUIRE(back);
            CHECK(back->text() == text);
        }
    }
}

TEST_CASE("LoopConn permessage-deflate: what a client gets wrong closes with its code") {
    Fixture f;
    const std::string text = json_like(2000);
    CHECK(server_verdict(f, raw_masked(Opcode::ping, true, "x", rsv1)) == 1002);
    CHECK(server_verdict(f, raw_masked(Opcode::text, false, deflated(text).substr(0, 4), rsv1) +
                                raw_masked(Opcode::continuation, true, deflated(text).substr(4),
                                           rsv1)) == 1002);
    CHECK(server_verdict(f, raw_masked(Opcode::binary, true, "\xff\xff\xff", rsv1)) == 1002);
    CHECK(server_verdict(f, raw_masked(Opcode::text, true, deflated("bad \xc3\x28 utf-8"), rsv1)) ==
          1007);
    // An inflate bomb: 64 MiB of zeros in ~64 KiB, past the 16 MiB limit.
    const std::string bomb = deflated(std::string(64u << 20, '\0'), 9);
    CHECK(bomb.size() < 200000);
    CHECK(server_verdict(f, raw_masked(Opcode::binary, true, bomb, rsv1)) == 1009);
    // The same bomb in 1 KiB fragments (inflated across reads by the connection's own inflater).
    std::string pieces;
    for (std::size_t at = 0; at < bomb.size(); at += 1024) {
        const bool first = at == 0;
        const bool last = at + 1024 >= bomb.size();
        pieces += raw_masked(first ? Opcode::binary : Opcode::continuation, last,
                             std::string_view(bomb).substr(at, 1024), first ? rsv1 : 0);
    }
    CHECK(server_verdict(f, pieces) == 1009);
}

TEST_CASE("LoopConn permessage-deflate: what a frame inflates to is checked with that frame") {
    // 16 KiB of text in a few dozen compressed bytes: the frame's input is all read when the
    // loop's 16 KiB inflate buffer is full and the inflater still owes the last byte, which is
    // never UTF-8 (RFC 6455 §8.1). It must fail the connection with this frame, not wait for a
    // continuation the client never sends. Each Fixture is a new loop with a fresh buffer.
    for (const bool stream : {false, true}) {
        CAPTURE(stream);
        Fixture f({}, stream);
        const std::string payload = deflated(std::string(16384, 'a') + "\xff");
        CHECK(payload.size() < 64);
        CHECK(server_verdict(f, raw_masked(Opcode::text, false, payload, rsv1)) == 1007);
    }
}

TEST_CASE("LoopConn permessage-deflate: RSV1 without the extension is 1002") {
    Fixture f;
    Dialer plain;
    plain.trace = {};
    auto conn = plain.dial(f.url("/echo"));
    REQUIRE(conn);
    CHECK(conn->compression() == nullptr);
    REQUIRE(conn->net_conn().write(raw_masked(Opcode::text, true, deflated("hi there"), rsv1)));
    auto m = conn->read_message();
    REQUIRE_FALSE(m);
    CHECK(is_close_error(m.error(), {close_code::protocol_error}));
}

TEST_CASE("LoopConn permessage-deflate: memory per connection, with and without takeover") {
    const std::string text = json_like(8000);
    std::size_t plain_idle = 0;
    {
        Fixture f;
        Dialer d;
        d.trace = {};
        auto conn = d.dial(f.url("/echo"));
        REQUIRE(conn);
        idle_after_message(*conn, text);
        plain_idle = f.memory.load();
    }
    for (const int bits : {15, 12}) {
        CompressionOptions prefs;
        prefs.server_max_window_bits = bits;
        prefs.client_max_window_bits = bits;
        Fixture f(prefs);
        auto conn = compressing_dialer().dial(f.url("/echo"));
        REQUIRE(conn);
        idle_after_message(*conn, text);
        const std::size_t with_history = f.memory.load() - plain_idle;
        MESSAGE("takeover at " << bits << " bits: " << with_history << " bytes of history");
        // Two windows, one per direction, and under 1 KiB besides: the decoding tables, hash
        // tables and buffers the codecs work in belong to the loop.
        CHECK(with_history >= (std::size_t{2} << bits));
        CHECK(with_history < (std::size_t{2} << bits) + 1024);
    }
    {
        CompressionOptions prefs;
        prefs.server_no_context_takeover = true;
        prefs.client_no_context_takeover = true;
        Fixture f(prefs);
        auto conn = compressing_dialer().dial(f.url("/echo"));
        REQUIRE(conn);
        idle_after_message(*conn, text);
        // Without takeover nothing stays: the loop's shared codecs did the work.
        CHECK(f.memory.load() == plain_idle);
    }
}

TEST_CASE("Hub with permessage-deflate: one compression for every receiver without takeover") {
    CompressionOptions prefs;
    prefs.server_no_context_takeover = true;
    Fixture f(prefs);
    std::vector<Conn> subscribers;
    for (int i = 0; i < 20; ++i) {
        auto c = compressing_dialer().dial(f.url("/sub"));
        REQUIRE(c);
        subscribers.push_back(std::move(*c));
    }
    Dialer plain;
    plain.trace = {};
    auto uncompressed = plain.dial(f.url("/sub"));
    REQUIRE(uncompressed);
    CompressionOptions takeover_client;  // asks nothing: the server still drops its context
    auto with_takeover = compressing_dialer(takeover_client).dial(f.url("/sub"));
    REQUIRE(with_takeover);
    for (int i = 0; i < 200 && f.subscribed.load() < 22; ++i)
        std::this_thread::sleep_for(5ms);
    REQUIRE(f.subscribed.load() == 22);
    const std::string news = json_like(1024);
    for (int round = 0; round < 3; ++round) {
        f.engine.hub().publish("news", news);
        for (auto& s : subscribers) {
            auto m = s.read_message();
            REQUIRE(m);
            CHECK(m->text() == news);
        }
        auto m = uncompressed->read_message();
        REQUIRE(m);
        CHECK(m->text() == news);
        m = with_takeover->read_message();
        REQUIRE(m);
        CHECK(m->text() == news);
    }
}
