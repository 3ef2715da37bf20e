// websocket::Conn end to end on loopback: a client Conn and a server Conn over a real TCP pair.
#include "websocket/conn.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "net/error.hpp"
#include "tests/net/helpers.hpp"
#include "tests/support/alloc_probe.hpp"
#include "websocket/error.hpp"
#include "websocket/frame_writer.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

// The counting operator new of the websocket test binary (tests/support/alloc_probe.hpp).
WIRE_TEST_REPLACE_OPERATOR_NEW

namespace {

struct Pair {
    Conn client;
    Conn server;
};

Pair ws_pair(ConnOptions client_options = {}, ConnOptions server_options = {}) {
    auto [c, s] = net::test::conn_pair();
    client_options.role = Role::client;
    server_options.role = Role::server;
    return {Conn(std::move(c), client_options), Conn(std::move(s), server_options)};
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + (i * 7) % 26);
    return s;
}

std::string raw_frame(Opcode op, bool fin, std::string_view payload, bool masked,
                      std::uint8_t rsv = 0) {
    FrameHeader h =
        make_header(op, fin, masked ? Role::client : Role::server, MaskKey{1, 2, 3, 4}, rsv);
    std::string out(frame_size(payload.size(), masked), '\0');
    auto r =
        encode_frame(h, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
                     {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    REQUIRE_FALSE(r.error);
    return out;
}

// Reads everything a raw peer receives until EOF or `limit` bytes.
std::string read_all(net::Conn& c, std::size_t limit = 1 << 20) {
    std::string out;
    char buf[4096];
    c.set_read_deadline(net::Conn::Clock::now() + 5s);
    while (out.size() < limit) {
        auto n = c.read(buf, sizeof buf);
        if (!n || *n == 0) break;
        out.append(buf, *n);
    }
    return out;
}

}  // namespace

TEST_CASE("messages of every length boundary travel both ways") {
    auto p = ws_pair();
    for (std::size_t n : {0u, 1u, 125u, 126u, 127u, 4096u, 65535u, 65536u, 1u << 20}) {
        CAPTURE(n);
        const std::string text = pattern(n);
        REQUIRE(p.client.write_message(Opcode::text, text));
        auto got = p.server.read_message();
        REQUIRE(got);
        CHECK(got->type == Opcode::text);
        CHECK(got->text() == text);
        REQUIRE(p.server.write_message(Opcode::binary, text));
        auto back = p.client.read_message();
        REQUIRE(back);
        CHECK(back->type == Opcode::binary);
        CHECK(back->text() == text);
    }
}

TEST_CASE("a big message is written while the peer reads it on another thread") {
    auto p = ws_pair();
    const std::string big = pattern(3 << 20);
    std::thread writer([&] { CHECK(p.server.write_message(Opcode::binary, big)); });
    auto got = p.client.read_message();
    writer.join();
    REQUIRE(got);
    CHECK(got->text() == big);
}

TEST_CASE("next_writer sends fragments that read_message and next_reader reassemble") {
    ConnOptions small;
    small.write_buffer_size = 300;  // fragments of ~286 bytes
    auto p = ws_pair(small, small);
    const std::string text = pattern(5000);
    {
        auto w = p.client.next_writer(Opcode::text);
        REQUIRE(w);
        for (std::size_t i = 0; i < text.size(); i += 77) {
            REQUIRE(w->write(std::string_view(text).substr(i, 77)));
        }
        REQUIRE(w->close());
    }
    auto got = p.server.read_message();
    REQUIRE(got);
    CHECK(got->type == Opcode::text);
    CHECK(got->text() == text);

    {
        auto w = p.server.next_writer(Opcode::binary);
        REQUIRE(w);
        REQUIRE(w->write(text));  // bigger than the buffer: a fragment of its own
        REQUIRE(w->write("tail"));
    }  // the destructor closes the writer: final fragment
    auto r = p.client.next_reader();
    REQUIRE(r);
    CHECK(r->type() == Opcode::binary);
    std::string assembled;
    char buf[33];
    for (;;) {
        auto n = r->read(buf, sizeof buf);
        REQUIRE(n);
        if (*n == 0) break;
        assembled.append(buf, *n);
    }
    CHECK(assembled == text + "tail");
}

TEST_CASE("next_reader skips the unread rest of a message") {
    auto p = ws_pair();
    REQUIRE(p.client.write_message(Opcode::text, pattern(10000)));
    REQUIRE(p.client.write_message(Opcode::text, "second"));
    auto r = p.server.next_reader();
    REQUIRE(r);
    char buf[10];
    REQUIRE(r->read(buf, sizeof buf));
    auto m = p.server.read_message();
    REQUIRE(m);
    CHECK(m->text() == "second");
    auto stale = r->read(buf, sizeof buf);  // the old reader is finished
    REQUIRE(stale);
    CHECK(*stale == 0);
}

TEST_CASE("bytes read before the Conn existed are served first") {
    auto [c, s] = net::test::conn_pair();
    const std::string first = raw_frame(Opcode::text, true, "early", true);
    const std::string second = raw_frame(Opcode::text, true, "late", true);
    ConnOptions o;
    o.role = Role::server;
    const std::string early = first + second.substr(0, 3);
    o.already_read = early;  // copied by the constructor
    Conn server(std::move(s), o);
    REQUIRE(c.write(second.substr(3)));
    auto m1 = server.read_message();
    REQUIRE(m1);
    CHECK(m1->text() == "early");
    auto m2 = server.read_message();
    REQUIRE(m2);
    CHECK(m2->text() == "late");
}

TEST_CASE("a ping is answered with a pong carrying its payload; the pong handler sees it") {
    auto p = ws_pair();
    std::string pong_payload;
    p.client.set_pong_handler([&](std::span<const std::uint8_t> d) {
        pong_payload.assign(reinterpret_cast<const char*>(d.data()), d.size());
        return std::error_code{};
    });
    REQUIRE(p.client.write_control(Opcode::ping, "are you there", Clock::now() + 1s));
    REQUIRE(p.client.write_message(Opcode::text, "after ping"));
    auto m = p.server.read_message();  // answers the ping on the way
    REQUIRE(m);
    REQUIRE(p.server.write_message(Opcode::text, "reply"));
    auto r = p.client.read_message();  // reads the pong first
    REQUIRE(r);
    CHECK(r->text() == "reply");
    CHECK(pong_payload == "are you there");
}

TEST_CASE("control frames: checked before sending") {
    auto p = ws_pair();
    CHECK(p.client.write_control(Opcode::text, "x", Clock::now() + 1s).error() ==
          Error::bad_write_opcode);
    CHECK(p.client.write_control(Opcode::ping, pattern(126), Clock::now() + 1s).error() ==
          Error::control_frame_too_long);
    CHECK(p.client.write_message(Opcode::ping, "x").error() == Error::bad_write_opcode);
}

TEST_CASE("close() performs the closing handshake: the peer sees the code, we see its echo") {
    auto p = ws_pair();
    std::error_code server_err;
    std::thread server([&] {
        for (;;) {
            auto m = p.server.read_message();
            if (!m) {
                server_err = m.error();
                break;
            }
        }
    });
    REQUIRE(p.client.write_message(Opcode::text, "last words"));
    const auto start = Clock::now();
    CHECK_FALSE(p.client.close(close_code::going_away, "bye", 2s));
    CHECK(Clock::now() - start < 1s);  // the echo came back; no waiting for the timeout
    server.join();
    CHECK(is_close_error(server_err, {close_code::going_away}));
    CHECK_FALSE(is_unexpected_close_error(server_err, {close_code::going_away}));
    CHECK(p.server.close_error().code == close_code::going_away);
    CHECK(p.server.close_error().text == "bye");
    CHECK(p.server.close_error().message() == "websocket: close 1001 (going away): bye");
    CHECK(p.client.close_error().code == close_code::going_away);  // the echo
    // Writing after the close frame is refused.
    CHECK(p.server.write_message(Opcode::text, "late").error() == Error::close_sent);
}

TEST_CASE("close() from another thread while a reader is blocked: the reader sees the echo") {
    auto p = ws_pair();
    std::error_code reader_err;
    std::thread reader([&] {
        auto m = p.client.read_message();
        reader_err = m.error();
    });
    std::thread server([&] {
        for (;;) {
            if (!p.server.read_message()) break;
        }
    });
    std::this_thread::sleep_for(20ms);
    CHECK_FALSE(p.client.close(close_code::normal, "done", 2s));
    reader.join();
    server.join();
    CHECK(is_close_error(reader_err, {close_code::normal}));
}

TEST_CASE("close() gives up after its timeout when the peer never answers") {
    auto [c, s] = net::test::conn_pair();
    ConnOptions o;
    o.role = Role::server;
    Conn server(std::move(s), o);
    const auto start = Clock::now();
    CHECK(server.close(close_code::normal, "", 150ms) == net::Error::timeout);
    const auto took = Clock::now() - start;
    CHECK(took >= 140ms);
    CHECK(took < 2s);
    // The raw peer received a close frame with code 1000, then EOF.
    const std::string got = read_all(c);
    CHECK(got == std::string("\x88\x02\x03\xe8", 4));
}

TEST_CASE("close() refuses a code that may not be sent, and the connection stays usable") {
    auto p = ws_pair();
    CHECK(p.client.close(close_code::abnormal) == Error::bad_close_code);
    REQUIRE(p.client.write_message(Opcode::text, "still here"));
    auto m = p.server.read_message();
    REQUIRE(m);
    CHECK(m->text() == "still here");
}

TEST_CASE("a read deadline set from another thread cancels a blocked read; the error sticks") {
    auto p = ws_pair();
    std::thread canceller([&] {
        std::this_thread::sleep_for(30ms);
        p.server.set_read_deadline(Clock::now());
    });
    const auto start = Clock::now();
    auto m = p.server.read_message();
    canceller.join();
    REQUIRE_FALSE(m);
    CHECK(net::is_timeout(m.error()));
    CHECK(Clock::now() - start < 2s);
    p.server.set_read_deadline({});
    REQUIRE(p.client.write_message(Opcode::text, "too late"));
    CHECK(net::is_timeout(p.server.read_message().error()));  // sticky, as gorilla's
}

TEST_CASE("a message over the read limit fails with 1009 before its payload is read") {
    auto [c, s] = net::test::conn_pair();
    ConnOptions o;
    o.role = Role::server;
    Conn server(std::move(s), o);
    server.set_read_limit(100);
    REQUIRE(c.write(raw_frame(Opcode::binary, true, pattern(101), true)));
    auto m = server.read_message();
    CHECK(m.error() == Error::message_too_big);
    // A close frame (0x88), then 1009 (0x03F1) and the error's message as the reason.
    const std::string close = read_all(c, 4);
    REQUIRE(close.size() >= 4);
    CHECK(close[0] == '\x88');
    CHECK(close.substr(2, 2) == std::string("\x03\xf1", 2));
}

// A frame header claims its payload length; a peer that claims 16 MiB (the default read
// limit) and then stalls must cost what it sent, and the message must still arrive whole.
TEST_CASE("a stalled 16 MiB length claim takes memory as its bytes arrive, not up front") {
    constexpr std::size_t claimed = 16 * 1024 * 1024;
    auto [c, s] = net::test::conn_pair();
    ConnOptions o;
    o.role = Role::server;  // reading a client's masked frames
    std::string payload, frames;
    std::size_t stall_at = 0;  // the bytes sent before stalling
    SUBCASE("one frame") {
        payload = pattern(claimed);
        frames = raw_frame(Opcode::binary, true, payload, true);
        stall_at = 14 + 10;
    }
    SUBCASE("the second fragment of a message") {
        payload = pattern(claimed);
        const std::string_view p(payload);
        frames = raw_frame(Opcode::binary, false, p.substr(0, 10), true) +
                 raw_frame(Opcode::continuation, true, p.substr(10), true);
        stall_at = (6 + 10) + 14 + 10;
    }
    SUBCASE("a client reading a server's frame") {
        o.role = Role::client;
        payload = pattern(claimed);
        frames = raw_frame(Opcode::binary, true, payload, false);
        stall_at = 10 + 10;
    }
    Conn ws(std::move(s), o);
    Result<Message> got = Error::message_too_big;
    std::string received;
    wire::test::alloc::reset_largest();
    std::thread reader([&] {
        got = ws.read_message();
        if (got) received.assign(reinterpret_cast<const char*>(got->data.data()), got->data.size());
    });
    REQUIRE(c.write(std::string_view(frames).substr(0, stall_at)));
    std::this_thread::sleep_for(100ms);  // the reader takes what came, and waits for more
    MESSAGE("largest allocation after a stalled claim: " << wire::test::alloc::largest.load()
                                                         << " B");
    CHECK(wire::test::alloc::largest.load() < 64 * 1024);
    REQUIRE(c.write(std::string_view(frames).substr(stall_at)));
    reader.join();
    REQUIRE(got);
    CHECK(received.size() == payload.size());
    CHECK(received == payload);
}

TEST_CASE("protocol errors send the matching close code and stick") {
    struct Case {
        const char* name;
        std::string bytes;
        std::error_code error;
        std::uint16_t code;
    };
    const Case cases[] = {
        {"unmasked client frame", raw_frame(Opcode::text, true, "x", false),
         Error::unmasked_client_frame, 1002},
        {"reserved bits", raw_frame(Opcode::text, true, "x", true, rsv2), Error::reserved_bits_set,
         1002},
        {"bad utf-8", raw_frame(Opcode::text, true, "\xff", true), Error::invalid_utf8, 1007},
        {"lone continuation", raw_frame(Opcode::continuation, true, "x", true),
         Error::unexpected_continuation, 1002},
    };
    for (const auto& k : cases) {
        CAPTURE(k.name);
        auto [c, s] = net::test::conn_pair();
        ConnOptions o;
        o.role = Role::server;
        Conn server(std::move(s), o);
        REQUIRE(c.write(k.bytes));
        auto m = server.read_message();
        CHECK(m.error() == k.error);
        CHECK(server.read_message().error() == k.error);
        const std::string got = read_all(c, 4);
        REQUIRE(got.size() >= 4);
        CHECK(static_cast<std::uint8_t>(got[0]) == 0x88);
        CHECK(((static_cast<std::uint8_t>(got[2]) << 8) | static_cast<std::uint8_t>(got[3])) ==
              k.code);
    }
}

TEST_CASE("the peer vanishing without a close frame is 1006, an unexpected close") {
    auto p = ws_pair();
    p.client.abort();
    auto m = p.server.read_message();
    REQUIRE_FALSE(m);
    CHECK(is_close_error(m.error(), {close_code::abnormal}));
    CHECK(is_unexpected_close_error(m.error(), {close_code::normal, close_code::going_away}));
    CHECK(p.server.close_error().code == close_code::abnormal);
}

TEST_CASE("write_control from another thread interleaves with a writer, never inside a frame") {
    auto p = ws_pair();
    std::atomic<int> pongs{0};
    p.client.set_pong_handler([&](std::span<const std::uint8_t>) {
        ++pongs;
        return std::error_code{};
    });
    p.server.set_ping_handler([&](std::span<const std::uint8_t> d) {
        return p.server.write_control(Opcode::pong, d, Clock::now() + 1s).error();
    });
    constexpr int kMessages = 200;
    const std::string body = pattern(3000);
    std::thread writer([&] {
        for (int i = 0; i < kMessages; ++i) {
            auto w = p.client.next_writer(Opcode::binary);
            REQUIRE(w);
            REQUIRE(w->write(body));
            REQUIRE(w->write(body));
            REQUIRE(w->close());
        }
    });
    std::thread pinger([&] {
        for (int i = 0; i < kMessages; ++i) {
            REQUIRE(p.client.write_control(Opcode::ping, "p", Clock::now() + 2s));
        }
    });
    std::thread client_reader([&] {
        for (;;) {
            if (!p.client.read_message()) break;
        }
    });
    for (int i = 0; i < kMessages; ++i) {
        auto m = p.server.read_message();
        REQUIRE(m);
        CHECK(m->data.size() == 2 * body.size());
    }
    writer.join();
    pinger.join();
    // Every ping went out before this message, so the server has answered them all once it
    // reads it; the pongs reach the client reader before the server's close frame.
    REQUIRE(p.client.write_message(Opcode::text, "end"));
    auto end = p.server.read_message();
    REQUIRE(end);
    CHECK(end->text() == "end");
    CHECK_FALSE(p.server.close(close_code::normal, "", 2s));
    client_reader.join();
    CHECK(pongs.load() == kMessages);
}

TEST_CASE("close errors: category, names, helpers") {
    const auto ec = make_close_error_code(close_code::normal);
    CHECK(std::string(ec.category().name()) == "websocket.close");
    CHECK(ec.message() == "close 1000 (normal closure)");
    CHECK(make_close_error_code(4000).message() == "close 4000 (application)");
    CHECK(is_close_error(ec, {1000, 1001}));
    CHECK_FALSE(is_close_error(ec, {1001}));
    CHECK_FALSE(is_close_error(Error::invalid_utf8, {1007}));
    CHECK_FALSE(is_unexpected_close_error(net::Error::timeout, {}));
    CHECK(is_unexpected_close_error(make_close_error_code(1006), {1000}));
    CHECK(format_close_message(1000, "bye") == std::string("\x03\xe8"
                                                           "bye",
                                                           5));
}

TEST_CASE("a write buffer pool lends buffers only while a message is written") {
    auto pool = std::make_shared<WriteBufferPool>(1024);
    ConnOptions o;
    o.write_buffer_pool = pool;
    auto p = ws_pair(o, o);
    CHECK(pool->idle() == 0);
    const std::string text = pattern(5000);  // several buffers' worth, masked by the client
    REQUIRE(p.client.write_message(Opcode::text, text));
    CHECK(pool->idle() == 1);  // back after the message
    {
        auto w = p.server.next_writer(Opcode::binary);
        REQUIRE(w);
        REQUIRE(w->write("in pieces"));
        CHECK(pool->idle() == 0);  // the writer holds it
        REQUIRE(w->close());
    }
    CHECK(pool->idle() == 1);
    auto m = p.server.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
    auto back = p.client.read_message();
    REQUIRE(back);
    CHECK(back->text() == "in pieces");
}
