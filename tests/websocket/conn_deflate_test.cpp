// permessage-deflate on the blocking Conn (RFC 7692 §6, §7.2): round trips at every window and
// takeover mode, what goes on the wire (RSV1 on the first frame only, the tail removed), and
// every way a peer can get it wrong (1002, 1007, 1009), against raw frames on loopback.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/error.hpp"
#include "tests/net/helpers.hpp"
#include "tests/support/alloc_probe.hpp"
#include "tests/support/json_like.hpp"
#include "websocket/close_error.hpp"
#include "websocket/conn.hpp"
#include "websocket/detail/codec_pool.hpp"
#include "websocket/error.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"
#include "websocket/trace.hpp"

using namespace wire;
using wire::test::json_like;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

struct Pair {
    Conn client;
    Conn server;
};

ConnOptions with_deflate(Role role, DeflateParams params, std::size_t threshold = 0) {
    ConnOptions o;
    o.role = role;
    o.deflate = params;
    o.compression.threshold = threshold;
    return o;
}

Pair deflate_pair(DeflateParams params = {}, std::size_t threshold = 0) {
    auto [c, s] = net::test::conn_pair();
    return {Conn(std::move(c), with_deflate(Role::client, params, threshold)),
            Conn(std::move(s), with_deflate(Role::server, params, threshold))};
}

std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The payload a sender of `params` puts on the wire for `message` (RFC 7692 §7.2.1).
std::string deflated(std::string_view message, int window_bits = 15, int level = 6) {
    MessageDeflater d(window_bits, true, level);
    std::string out(MessageDeflater::bound(message.size()), '\0');
    const auto r =
        d.deflate(bytes(message), {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
    REQUIRE(r.done);
    out.resize(r.produced);
    return out;
}

std::string raw_frame(Opcode op, bool fin, std::string_view payload, bool masked,
                      std::uint8_t rsv = 0) {
    FrameHeader h =
        make_header(op, fin, masked ? Role::client : Role::server, MaskKey{9, 8, 7, 6}, rsv);
    std::string out(frame_size(payload.size(), masked), '\0');
    auto r =
        encode_frame(h, bytes(payload), {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    REQUIRE_FALSE(r.error);
    return out;
}

struct Frame {
    FrameHeader header;
    std::string payload;
};

// Frames a server sent, read from a raw client socket until EOF or `count` frames. Bytes past
// them stay in `buf` for the next call.
std::vector<Frame> read_frames(net::Conn& c, std::size_t count, std::string& buf) {
    std::vector<Frame> out;
    char chunk[65536];
    c.set_read_deadline(net::Conn::Clock::now() + 5s);
    while (out.size() < count) {
        FrameHeader h;
        const auto r = decode_header(bytes(buf), HeaderOptions{Role::client, 0x70}, h);
        if (r.status == DecodeStatus::done && buf.size() >= r.consumed + h.payload_length) {
            out.push_back({h, buf.substr(r.consumed, h.payload_length)});
            buf.erase(0, r.consumed + h.payload_length);
            continue;
        }
        auto n = c.read(chunk, sizeof chunk);
        if (!n || *n == 0) break;
        buf.append(chunk, *n);
    }
    return out;
}

std::vector<Frame> read_frames(net::Conn& c, std::size_t count) {
    std::string buf;
    return read_frames(c, count, buf);
}

std::uint16_t close_code_of(const Frame& f) {
    REQUIRE(f.header.opcode == Opcode::close);
    REQUIRE(f.payload.size() >= 2);
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(f.payload[0]) << 8) |
                                      static_cast<std::uint8_t>(f.payload[1]));
}

// A server Conn with permessage-deflate fed `wire_bytes` by a raw client; returns what its
// read_message said and the close code it answered with.
struct Verdict {
    std::error_code error;
    std::uint16_t close_code = 0;
};
Verdict server_reads(const std::string& wire_bytes, DeflateParams params = {},
                     std::uint64_t read_limit = 16 << 20) {
    auto [c, s] = net::test::conn_pair();
    ConnOptions o = with_deflate(Role::server, params);
    o.read_limit = read_limit;
    Conn server(std::move(s), o);
    std::thread writer([&client = c, &wire_bytes] { (void)client.write(wire_bytes); });
    Verdict v;
    for (;;) {
        auto m = server.read_message();
        if (!m) {
            v.error = m.error();
            break;
        }
    }
    writer.join();
    const auto frames = read_frames(c, 1);
    if (!frames.empty()) v.close_code = close_code_of(frames.back());
    return v;
}

}  // namespace

TEST_CASE("permessage-deflate: messages of every size round-trip both ways, text and binary") {
    for (const bool takeover : {true, false}) {
        CAPTURE(takeover);
        auto p = deflate_pair(DeflateParams{!takeover, !takeover, 15, 15});
        for (std::size_t n : {0u, 1u, 125u, 126u, 4095u, 4096u, 65536u, 1u << 20, 5u << 20}) {
            CAPTURE(n);
            const std::string text = json_like(n);
            for (const Opcode op : {Opcode::text, Opcode::binary}) {
                REQUIRE(p.client.write_message(op, text));
                auto got = p.server.read_message();
                REQUIRE(got);
                CHECK(got->type == op);
                CHECK(got->text() == text);
                REQUIRE(p.server.write_message(op, text));
                auto back = p.client.read_message();
                REQUIRE(back);
                CHECK(back->text() == text);
            }
        }
    }
}

TEST_CASE(
    "permessage-deflate: every window size 8..15 in each direction, with and without "
    "takeover") {
    const std::string text = json_like(20000);
    for (int s = 8; s <= 15; ++s) {
        for (const int c : {8, 11, 15}) {
            for (const bool takeover : {true, false}) {
                CAPTURE(s);
                CAPTURE(c);
                auto p = deflate_pair(DeflateParams{!takeover, !takeover, s, c});
                for (int round = 0; round < 3; ++round) {
                    REQUIRE(p.client.write_message(Opcode::text, text));
                    auto got = p.server.read_message();
                    REQUIRE(got);
                    CHECK(got->text() == text);
                    REQUIRE(p.server.write_message(Opcode::text, text));
                    auto back = p.client.read_message();
                    REQUIRE(back);
                    CHECK(back->text() == text);
                }
            }
        }
    }
}

TEST_CASE("permessage-deflate on the wire: RSV1 on the first frame only, the tail removed") {
    auto [c, s] = net::test::conn_pair();
    ConnOptions o = with_deflate(Role::server, {});
    o.write_buffer_size = 1024;  // a large message leaves in fragments of the buffer
    Conn server(std::move(s), o);
    const std::string small = json_like(600);
    REQUIRE(server.write_message(Opcode::text, small));
    auto frames = read_frames(c, 1);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].header.rsv == rsv1);
    CHECK(frames[0].header.fin);
    CHECK(frames[0].payload.size() < small.size() / 2);
    // §7.2.1: no 00 00 ff ff at the end.
    CHECK(frames[0].payload.substr(frames[0].payload.size() - 4) != std::string("\0\0\xff\xff", 4));
    // The payload inflates (with the tail put back) to the message.
    MessageInflater inf(15, false, 1 << 20);
    inf.begin_message(true);
    std::string out(small.size() + 16, '\0');
    const auto r = inf.inflate(bytes(frames[0].payload),
                               {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
    REQUIRE_FALSE(r.error);
    CHECK(inf.message_done());
    CHECK(out.substr(0, r.produced) == small);

    // A message larger than the write buffer: fragments, RSV1 on the first alone.
    std::string big;
    for (int i = 0; big.size() < 200000; ++i)
        big += std::to_string(static_cast<unsigned>(i) * 2654435761u) + ",";
    REQUIRE(server.write_message(Opcode::binary, big));
    std::vector<Frame> parts;
    std::string rest;
    while (parts.empty() || !parts.back().header.fin) {
        auto more = read_frames(c, 1, rest);
        REQUIRE(more.size() == 1);
        parts.push_back(more[0]);
    }
    REQUIRE(parts.size() > 1);
    CHECK(parts[0].header.opcode == Opcode::binary);
    CHECK(parts[0].header.rsv == rsv1);
    for (std::size_t i = 1; i < parts.size(); ++i) {
        CHECK(parts[i].header.opcode == Opcode::continuation);
        CHECK(parts[i].header.rsv == 0);
    }

    // Uncompressed per message: enable_write_compression(false), and the threshold.
    server.enable_write_compression(false);
    REQUIRE(server.write_message(Opcode::text, small));
    frames = read_frames(c, 1, rest);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].header.rsv == 0);
    CHECK(frames[0].payload == small);
}

TEST_CASE("permessage-deflate: the threshold sends small messages uncompressed") {
    auto [c, s] = net::test::conn_pair();
    Conn server(std::move(s), with_deflate(Role::server, {}, 100));
    REQUIRE(server.write_message(Opcode::text, json_like(99)));
    REQUIRE(server.write_message(Opcode::text, json_like(100)));
    const auto frames = read_frames(c, 2);
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].header.rsv == 0);
    CHECK(frames[1].header.rsv == rsv1);
}

TEST_CASE("permessage-deflate: context takeover shrinks a repeated message; without it, not") {
    const std::string text = json_like(3000);
    std::size_t second[2] = {};
    for (const bool takeover : {true, false}) {
        auto [c, s] = net::test::conn_pair();
        Conn server(std::move(s), with_deflate(Role::server, DeflateParams{!takeover, false}));
        REQUIRE(server.write_message(Opcode::text, text));
        REQUIRE(server.write_message(Opcode::text, text));
        const auto frames = read_frames(c, 2);
        REQUIRE(frames.size() == 2);
        second[takeover ? 0 : 1] = frames[1].payload.size();
        if (!takeover) CHECK(frames[0].payload == frames[1].payload);
    }
    CHECK(second[0] * 2 < second[1]);  // the second refers back to the first
}

TEST_CASE("permessage-deflate: fragmented compressed messages, written and read in pieces") {
    auto p = deflate_pair();
    const std::string text = json_like(100000);
    {
        auto w = p.client.next_writer(Opcode::text);
        REQUIRE(w);
        for (std::size_t at = 0; at < text.size(); at += 777) {
            REQUIRE(w->write(std::string_view(text).substr(at, 777)));
        }
        REQUIRE(w->close());
    }
    auto r = p.server.next_reader();
    REQUIRE(r);
    std::string got;
    char buf[333];
    for (;;) {
        auto n = r->read(buf, sizeof buf);
        REQUIRE(n);
        if (*n == 0) break;
        got.append(buf, *n);
    }
    CHECK(got == text);
    // A message left half read is still inflated, so the next one (which refers back into it
    // with context takeover) reads right.
    REQUIRE(p.client.write_message(Opcode::text, text));
    REQUIRE(p.client.write_message(Opcode::text, text));
    auto half = p.server.next_reader();
    REQUIRE(half);
    REQUIRE(half->read(buf, sizeof buf));
    auto next = p.server.read_message();
    REQUIRE(next);
    CHECK(next->text() == text);
}

TEST_CASE("permessage-deflate: a peer's own fragmentation of a compressed message") {
    const std::string text = json_like(5000);
    const std::string payload = deflated(text);
    std::string wire_bytes = raw_frame(Opcode::text, false, payload.substr(0, 10), true, rsv1);
    wire_bytes += raw_frame(Opcode::ping, true, "in between", true);
    wire_bytes += raw_frame(Opcode::continuation, false, payload.substr(10, 1), true);
    wire_bytes += raw_frame(Opcode::continuation, false, "", true);
    wire_bytes += raw_frame(Opcode::continuation, true, payload.substr(11), true);
    auto [c, s] = net::test::conn_pair();
    Conn server(std::move(s), with_deflate(Role::server, {}));
    REQUIRE(c.write(wire_bytes));
    auto m = server.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
}

TEST_CASE("permessage-deflate: next_reader hands on all a frame inflates to before the next") {
    // 4 KiB in a few dozen compressed bytes, the first frame cut at every byte: reads of 16 bytes
    // use up the frame's input before its output, the rest of a long match still owed. All the
    // frame inflates to (what an inflater makes of those bytes alone) must be readable before
    // the continuation is sent.
    const std::string text(4096, 'a');
    const std::string payload = deflated(text);
    REQUIRE(payload.size() < 64);
    for (std::size_t cut = 1; cut < payload.size(); ++cut) {
        CAPTURE(cut);
        MessageInflater reference(15, false, 1u << 20);
        reference.begin_message(false);
        std::string expected(text.size(), '\0');
        const auto step = reference.inflate(
            bytes(std::string_view(payload).substr(0, cut)),
            {reinterpret_cast<std::uint8_t*>(expected.data()), expected.size()}, false);
        REQUIRE_FALSE(step.error);
        expected.resize(step.produced);

        auto [c, s] = net::test::conn_pair();
        Conn server(std::move(s), with_deflate(Role::server, {}));
        REQUIRE(c.write(raw_frame(Opcode::binary, false, payload.substr(0, cut), true, rsv1)));
        server.set_read_deadline(Clock::now() + 3s);
        auto r = server.next_reader();
        REQUIRE(r);
        std::string got;
        char buf[16];
        while (got.size() < expected.size()) {
            auto n = r->read(buf, sizeof buf);
            REQUIRE(n);
            got.append(buf, *n);
        }
        CHECK(got == expected);
    }
}

TEST_CASE("permessage-deflate: what a peer gets wrong fails the connection with its code") {
    const std::string text = json_like(1000);
    SUBCASE("a control frame with RSV1: 1002 (RFC 7692 §6.1)") {
        const auto v = server_reads(raw_frame(Opcode::ping, true, "x", true, rsv1));
        CHECK(v.error == Error::compressed_control_frame);
        CHECK(v.close_code == 1002);
    }
    SUBCASE("a continuation with RSV1: 1002") {
        const std::string payload = deflated(text);
        const auto v =
            server_reads(raw_frame(Opcode::text, false, payload.substr(0, 5), true, rsv1) +
                         raw_frame(Opcode::continuation, true, payload.substr(5), true, rsv1));
        CHECK(v.error == Error::compressed_continuation);
        CHECK(v.close_code == 1002);
    }
    SUBCASE("RSV1 without the extension: 1002") {
        auto [c, s] = net::test::conn_pair();
        Conn server(std::move(s), ConnOptions{});
        REQUIRE(c.write(raw_frame(Opcode::text, true, deflated(text), true, rsv1)));
        CHECK(server.read_message().error() == Error::reserved_bits_set);
        const auto frames = read_frames(c, 1);
        REQUIRE(frames.size() == 1);
        CHECK(close_code_of(frames[0]) == 1002);
    }
    SUBCASE("not DEFLATE: 1002") {
        // BTYPE 11 is reserved (RFC 1951 §3.2.3).
        const auto v =
            server_reads(raw_frame(Opcode::binary, true, "\xff\xff\xff\xff", true, rsv1));
        CHECK(v.error == Error::bad_compressed_data);
        CHECK(v.close_code == 1002);
    }
    SUBCASE("a back-reference beyond the negotiated window: 1002") {
        // Compressed with a 32 KiB window, read by a side that agreed on 256 bytes.
        std::string far = json_like(300);
        far += std::string(2000, '#') + far;
        const auto v = server_reads(raw_frame(Opcode::binary, true, deflated(far, 15), true, rsv1),
                                    DeflateParams{false, false, 15, 8});
        CHECK(v.error == Error::bad_compressed_data);
        CHECK(v.close_code == 1002);
    }
    SUBCASE("a text message that inflates to invalid UTF-8: 1007") {
        const auto v = server_reads(
            raw_frame(Opcode::text, true, deflated("valid so far \xc3\x28 then not"), true, rsv1));
        CHECK(v.error == Error::invalid_utf8);
        CHECK(v.close_code == 1007);
    }
    SUBCASE("a text message cut inside a character: 1007") {
        const auto v =
            server_reads(raw_frame(Opcode::text, true, deflated("ends in \xe2\x82"), true, rsv1));
        CHECK(v.error == Error::invalid_utf8);
        CHECK(v.close_code == 1007);
    }
}

TEST_CASE("permessage-deflate: an inflate bomb closes 1009 without allocating what it expands to") {
    // 64 MiB of zeros compress to about 64 KiB; the read limit is 1 MiB.
    const std::string zeros(64u << 20, '\0');
    const std::string bomb = deflated(zeros, 15, 9);
    CHECK(bomb.size() < 200000);
    const std::string frame = raw_frame(Opcode::binary, true, bomb, true, rsv1);
    test::alloc::reset_largest();
    const auto v = server_reads(frame, {}, 1u << 20);
    CHECK(v.error == Error::message_too_big);
    CHECK(v.close_code == 1009);
    // The largest block: the message buffer near the limit (and the frame string, 200 KB).
    CHECK(test::alloc::largest.load() < (4u << 20));
    // A message exactly at the limit passes.
    auto p = deflate_pair();
    p.server.set_read_limit(1u << 20);
    REQUIRE(p.client.write_message(Opcode::binary, zeros.substr(0, 1u << 20)));
    auto m = p.server.read_message();
    REQUIRE(m);
    CHECK(m->data.size() == (1u << 20));
    REQUIRE(p.client.write_message(Opcode::binary, zeros.substr(0, (1u << 20) + 1)));
    CHECK(p.server.read_message().error() == Error::message_too_big);
}

TEST_CASE("permessage-deflate: set_compression_level takes 0..9, and a compression() report") {
    auto p = deflate_pair(DeflateParams{true, false, 12, 10});
    REQUIRE(p.server.compression() != nullptr);
    CHECK(p.server.compression()->server_max_window_bits == 12);
    CHECK(p.server.compression()->client_max_window_bits == 10);
    CHECK(p.server.set_compression_level(10));
    CHECK_FALSE(p.server.set_compression_level(0));
    const std::string text = json_like(10000);
    REQUIRE(p.server.write_message(Opcode::text, text));
    auto m = p.client.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
    CHECK_FALSE(p.server.set_compression_level(9));
    REQUIRE(p.server.write_message(Opcode::text, text));
    m = p.client.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
    auto [c, s] = net::test::conn_pair();
    CHECK(Conn(std::move(s), ConnOptions{}).compression() == nullptr);
}

TEST_CASE("permessage-deflate in trace mode: RSV1 shown as compressed, with both sizes") {
    std::string sent, received;
    auto [c, s] = net::test::conn_pair();
    ConnOptions co = with_deflate(Role::client, {});
    co.trace = [&sent](std::string_view line) { sent += line; };
    ConnOptions so = with_deflate(Role::server, {});
    so.trace = [&received](std::string_view line) { received += line; };
    Conn client(std::move(c), co);
    Conn server(std::move(s), so);
    const std::string text(1000, 'a');
    REQUIRE(client.write_message(Opcode::text, text));
    REQUIRE(server.read_message());
    CAPTURE(sent);
    CAPTURE(received);
    CHECK(sent.find("RSV=100 op=0x1 text compressed") != std::string::npos);
    CHECK(sent.find("compressed text message: ") != std::string::npos);
    CHECK(sent.find(" 1000 before deflating (") != std::string::npos);
    CHECK(received.find("RSV=100 op=0x1 text compressed") != std::string::npos);
    CHECK(received.find(" 1000 inflated (") != std::string::npos);
    CHECK(received.find("\"aaaa") != std::string::npos);  // the inflated message's preview
}

TEST_CASE("describe_compression: sizes, ratio and preview") {
    const std::string msg = "hello hello hello hello";
    CHECK(describe_compression(Direction::received, Opcode::text, 10, bytes(msg), msg.size()) ==
          "ws recv |   compressed text message: 10 bytes on the wire, 23 inflated (2.3x) | "
          "\"hello hello hello hello\"");
    CHECK(describe_compression(Direction::sent, Opcode::binary, 0, {}, 0) ==
          "ws send |   compressed binary message: 0 bytes on the wire, 0 before deflating");
}

namespace {

// Two messages each way, the first read with read_message, the second through next_reader
// (the call that starts it ends the first's view), then what each end holds while idle:
// {client, server}.
std::pair<std::size_t, std::size_t> idle_memory(std::optional<DeflateParams> params,
                                                const std::string& text) {
    auto [c, s] = net::test::conn_pair();
    ConnOptions co, so;
    co.role = Role::client;
    so.role = Role::server;
    co.deflate = so.deflate = params;
    Conn client(std::move(c), co), server(std::move(s), so);
    std::string got;
    auto read_into = [&got](Conn& conn) {
        got.clear();
        auto r = conn.next_reader();
        REQUIRE(r);
        char buf[1024];
        for (;;) {
            auto n = r->read(buf, sizeof buf);
            REQUIRE(n);
            if (*n == 0) break;
            got.append(buf, *n);
        }
    };
    REQUIRE(client.write_message(Opcode::text, text));
    auto m = server.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
    REQUIRE(server.write_message(Opcode::text, text));
    m = client.read_message();
    REQUIRE(m);
    CHECK(m->text() == text);
    REQUIRE(client.write_message(Opcode::text, text));
    read_into(server);
    CHECK(got == text);
    REQUIRE(server.write_message(Opcode::text, text));
    read_into(client);
    CHECK(got == text);
    return {client.memory_usage(), server.memory_usage()};
}

}  // namespace

TEST_CASE("permessage-deflate: an idle Conn keeps its two windows with takeover, nothing without") {
    // Within the read buffer: a plain read_message is a view into it, with no assembly buffer.
    const std::string text = json_like(3000);
    const auto [plain_client, plain_server] = idle_memory(std::nullopt, text);
    MESSAGE("idle, uncompressed: client " << plain_client << " B, server " << plain_server << " B");
    for (const int bits : {15, 12}) {
        CAPTURE(bits);
        const auto [client, server] = idle_memory(DeflateParams{false, false, bits, bits}, text);
        MESSAGE("takeover at " << bits << " bits: client +" << client - plain_client
                               << " B, server +" << server - plain_server << " B");
        // RFC 7692 §7.2.3.2: the two history windows the next messages may refer to, and under
        // 1 KiB besides; tables, windows and buffers the codecs work in belong to the thread.
        for (const std::size_t extra : {client - plain_client, server - plain_server}) {
            CHECK(extra >= (std::size_t{2} << bits));
            CHECK(extra < (std::size_t{2} << bits) + 1024);
        }
    }
    const auto [client, server] = idle_memory(DeflateParams{true, true, 15, 15}, text);
    MESSAGE("no takeover: client +" << client - plain_client << " B, server +"
                                    << server - plain_server << " B");
    CHECK(client == plain_client);
    CHECK(server == plain_server);
    // The codecs went back to this thread (both ends ran here), which frees them on request.
    CHECK(detail::pooled_memory() > 0);
    detail::release_pooled();
    CHECK(detail::pooled_memory() == 0);
}
