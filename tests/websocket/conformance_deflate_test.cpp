// RFC 7692 conformance (permessage-deflate), against both roles of our Conn: the raw peer
// compresses with its own MessageDeflater and inflates our echoes with its own MessageInflater.
// Every window size 8..15 in each direction, with and without context takeover; a compressed
// message in fragments, byte by byte; RSV1 where it must not be (1002); an inflate bomb (1009);
// payloads that are not DEFLATE (1002) or inflate to invalid UTF-8 (1007). fiber_conn_test.cpp
// re-runs these with our echo on a fiber.
#include <vector>

#include "tests/websocket/conformance.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {

const Role kRoles[] = {Role::server, Role::client};

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The payload the peer's deflater puts on the wire for `message` (§7.2.1).
std::string compress(MessageDeflater& d, const std::string& message) {
    std::string out(MessageDeflater::bound(message.size()), '\0');
    const auto r =
        d.deflate(bytes(message), {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
    REQUIRE(r.done);
    out.resize(r.produced);
    return out;
}

// What a compressed message of ours inflates to (§7.2.2), or the error.
std::string inflate(MessageInflater& inf, const RawFrame& m, std::size_t expected) {
    CHECK(m.rsv == 0x40);  // §6.1: RSV1 on the first frame of a compressed message
    inf.begin_message(m.opcode == 1);
    std::string out(expected + 64, '\0');
    const auto r = inf.inflate(bytes(m.payload),
                               {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
    REQUIRE_FALSE(r.error);
    CHECK(inf.message_done());
    out.resize(r.produced);
    return out;
}

std::string json_like(std::size_t n, int seed) {
    std::string s;
    for (int i = seed; s.size() < n; ++i)
        s += "{\"id\":" + std::to_string(i) + ",\"tag\":\"t" + std::to_string(i % 13) + "\"},";
    s.resize(n);
    return s;
}

}  // namespace

TEST_CASE("conformance RFC 7692: every window 8..15 each way, with and without takeover") {
    for (const Role role : kRoles) {
        for (int ours = 8; ours <= 15; ++ours) {
            const int theirs = 23 - ours;  // every size in each direction, paired
            for (const bool takeover : {true, false}) {
                CAPTURE(role_name(role));
                CAPTURE(ours);
                CAPTURE(takeover);
                DeflateParams p;
                p.server_no_context_takeover = p.client_no_context_takeover = !takeover;
                (role == Role::server ? p.server_max_window_bits : p.client_max_window_bits) = ours;
                (role == Role::server ? p.client_max_window_bits : p.server_max_window_bits) =
                    theirs;
                Harness h(role, 16 << 20, p);
                MessageDeflater d(theirs, !takeover, 6);
                MessageInflater inf(ours, !takeover, 1 << 20);
                for (int round = 0; round < 3; ++round) {
                    // Repeats across rounds: with takeover they refer back into earlier ones.
                    const std::string m = json_like(3000, round % 2);
                    h.send(craft(1, compress(d, m)).with_rsv(0x40));
                    auto echo = h.receive_message();
                    REQUIRE(echo);
                    CHECK(echo->opcode == 1);
                    CHECK(inflate(inf, *echo, m.size()) == m);
                }
            }
        }
    }
}

TEST_CASE("conformance RFC 7692 §6.1: a compressed message in fragments, sent byte by byte") {
    for (const Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role, 16 << 20, DeflateParams{});
        MessageDeflater d(15, false, 6);
        MessageInflater inf(15, false, 1 << 20);
        const std::string m = json_like(5000, 3);
        const std::string payload = compress(d, m);
        const std::size_t cut = payload.size() / 3;
        // RSV1 on the first fragment only; the continuations carry none.
        h.send_slowly(h.frame(craft(2, payload.substr(0, cut)).with_rsv(0x40).not_final()) +
                      h.frame(craft(0, payload.substr(cut, cut)).not_final()) +
                      h.frame(craft(0, payload.substr(2 * cut))));
        auto echo = h.receive_message();
        REQUIRE(echo);
        CHECK(echo->opcode == 2);
        CHECK(inflate(inf, *echo, m.size()) == m);
    }
}

TEST_CASE("conformance RFC 7692 §6: RSV1 where it must not be fails with 1002") {
    for (const Role role : kRoles) {
        CAPTURE(role_name(role));
        MessageDeflater d(15, true, 6);
        {  // §6.1: a control frame is never compressed
            Harness h(role, 16 << 20, DeflateParams{});
            h.send(craft(9, "ping").with_rsv(0x40));
            h.expect_close(close_code::protocol_error);
        }
        {  // §6.1: RSV1 on a continuation frame
            Harness h(role, 16 << 20, DeflateParams{});
            const std::string payload = compress(d, "a compressed message in two frames");
            h.send(h.frame(craft(1, payload.substr(0, 4)).with_rsv(0x40).not_final()) +
                   h.frame(craft(0, payload.substr(4)).with_rsv(0x40)));
            h.expect_close(close_code::protocol_error);
        }
        {  // RFC 6455 §5.2: RSV1 without a negotiated extension
            Harness h(role);
            h.send(craft(1, compress(d, "no extension was agreed")).with_rsv(0x40));
            h.expect_close(close_code::protocol_error);
        }
        {  // RSV2 is not permessage-deflate's
            Harness h(role, 16 << 20, DeflateParams{});
            h.send(craft(1, "x").with_rsv(0x20));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance RFC 7692 §8.1: an inflate bomb closes 1009, bad data 1002, bad text 1007") {
    for (const Role role : kRoles) {
        CAPTURE(role_name(role));
        {  // 8 MiB of zeros in about 8 KiB; the read limit is 64 KiB of inflated bytes
            Harness h(role, 64 << 10, DeflateParams{});
            MessageDeflater d(15, true, 9);
            h.send(craft(2, compress(d, std::string(8u << 20, '\0'))).with_rsv(0x40));
            h.expect_close(close_code::message_too_big);
        }
        {  // RFC 1951 §3.2.3: BTYPE 11 is reserved, so this is not DEFLATE
            Harness h(role, 16 << 20, DeflateParams{});
            h.send(craft(2, std::string("\x07\xff\xff\xff", 4)).with_rsv(0x40));
            h.expect_close(close_code::protocol_error);
        }
        {  // valid DEFLATE whose text is not UTF-8 (RFC 6455 §8.1)
            Harness h(role, 16 << 20, DeflateParams{});
            MessageDeflater d(15, true, 6);
            h.send(craft(1, compress(d, "caf\xc3\x28 au lait")).with_rsv(0x40));
            h.expect_close(close_code::invalid_payload);
        }
    }
}

TEST_CASE(
    "conformance RFC 7692 + RFC 6455 §8.1: what a frame inflates to is checked with that frame") {
    // A few compressed bytes stand for 4 KiB of text, so the frame's input is all read while the
    // inflater still owes bytes: the read buffer filled up first (it starts small and doubles).
    // The owed bytes end in one that is never UTF-8; they must come out, and fail the connection,
    // with this frame, not wait for a continuation the peer never sends.
    for (const Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role, 16 << 20, DeflateParams{});
        MessageDeflater d(15, true, 1);
        const std::string payload = compress(d, std::string(4096, 'a') + "\xff");
        CHECK(payload.size() < 64);
        h.send(h.frame(craft(1, payload).with_rsv(0x40).not_final()));
        h.expect_close(close_code::invalid_payload);
    }
}
