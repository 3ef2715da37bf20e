// RFC 6455 conformance, control frames (§5.5): ping/pong, control frame rules, and the closing
// handshake with every kind of close payload (§5.5.1, §7.4), against both roles of our Conn.
#include "tests/websocket/conformance.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {
const Role kRoles[] = {Role::server, Role::client};
}  // namespace

TEST_CASE("conformance §5.5.2-§5.5.3: a ping is answered with a pong with the same payload") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        for (std::size_t n : {0u, 1u, 125u}) {
            const std::string payload(n, static_cast<char>('0' + n % 10));
            h.send(craft(9, payload));
            auto f = h.receive();
            REQUIRE(f);
            CHECK(f->opcode == 0xA);
            CHECK(f->fin);
            CHECK(f->payload == payload);
        }
        // Binary payload in a ping, then data: the pong comes first.
        h.send(h.frame(craft(9, std::string("\x00\xff\xfe", 3))) + h.frame(craft(1, "after")));
        auto pong = h.receive();
        REQUIRE(pong);
        CHECK(pong->opcode == 0xA);
        CHECK(pong->payload == std::string("\x00\xff\xfe", 3));
        h.expect_echo(1, "after");
    }
}

TEST_CASE("conformance §5.5.3: an unsolicited pong is ignored") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        h.send(craft(0xA, "unsolicited"));
        h.send(craft(0xA, ""));
        h.send(craft(1, "still here"));
        auto f = h.receive();  // the echo, not an answer to the pongs
        REQUIRE(f);
        CHECK(f->opcode == 1);
        CHECK(f->payload == "still here");
    }
}

TEST_CASE("conformance §5.5: control frames over 125 bytes or fragmented fail with 1002") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role);
            h.send(craft(9, std::string(126, 'p')));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(9, "frag").not_final());
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(8, std::string("\x03\xe8", 2) + std::string(124, 'r')));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §5.5.1: a close is echoed with its code, then TCP closes") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role);
            h.send(craft(8, std::string("\x03\xe8", 2) + "bye"));
            h.expect_close(close_code::normal, false);
        }
        {
            // An empty close payload is answered with an empty one (no status to echo).
            Harness h(role);
            h.send(craft(8, ""));
            h.expect_close(0, false);
        }
        {
            // Data after the close frame is not processed (§5.5.1: no data after close).
            Harness h(role);
            h.send(h.frame(craft(8, std::string("\x03\xe9", 2))) + h.frame(craft(1, "ignored")));
            h.expect_close(close_code::going_away, false);
        }
    }
}

TEST_CASE("conformance §7.4: valid close codes are echoed, invalid ones fail with 1002") {
    const std::uint16_t valid[] = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010,
                                   1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999};
    const std::uint16_t invalid[] = {0,    999,  1004, 1005, 1006, 1015,
                                     1016, 1100, 2000, 2999, 5000, 65535};
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        for (std::uint16_t code : valid) {
            CAPTURE(code);
            Harness h(role);
            const std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
            h.send(craft(8, payload));
            h.expect_close(code, false);
        }
        for (std::uint16_t code : invalid) {
            CAPTURE(code);
            Harness h(role);
            const std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
            h.send(craft(8, payload));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §5.5.1: a one-byte close payload and a non-UTF-8 reason fail") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role);
            h.send(craft(8, "\x03"));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(8, std::string("\x03\xe8", 2) + "\xce\xba\xe1\xbd"));
            h.expect_close(close_code::invalid_payload);
        }
        {
            // A valid UTF-8 reason of the maximum length (123 bytes) is fine.
            Harness h(role);
            h.send(craft(8, std::string("\x03\xe8", 2) + std::string(123, 'r')));
            h.expect_close(close_code::normal, false);
        }
    }
}
