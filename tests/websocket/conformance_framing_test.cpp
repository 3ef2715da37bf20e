// RFC 6455 conformance, framing (§5.2, §5.3, §5.6): lengths, masking, reserved bits and opcodes,
// against our server Conn and our client Conn (see conformance.hpp).
#include "tests/websocket/conformance.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {

const Role kRoles[] = {Role::server, Role::client};

std::string text_of(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('A' + i % 23);
    return s;
}

}  // namespace

TEST_CASE("conformance §5.2: text and binary echo at every length boundary") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        for (std::size_t n : {0u, 1u, 125u, 126u, 127u, 128u, 65535u, 65536u, 200000u}) {
            CAPTURE(n);
            h.send(craft(1, text_of(n)));
            h.expect_echo(1, text_of(n));
            h.send(craft(2, text_of(n)));
            h.expect_echo(2, text_of(n));
        }
    }
}

TEST_CASE("conformance §5.2: frames sent one byte per write are reassembled") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        h.send_slowly(h.frame(craft(1, "Hello, byte by byte")));
        h.expect_echo(1, "Hello, byte by byte");
        h.send_slowly(h.frame(craft(2, text_of(300))));
        h.expect_echo(2, text_of(300));
        // Several frames in one write.
        h.send(h.frame(craft(1, "one")) + h.frame(craft(1, "two")) + h.frame(craft(9, "p")) +
               h.frame(craft(1, "three")));
        h.expect_echo(1, "one");
        h.expect_echo(1, "two");
        h.expect_echo(1, "three");
    }
}

TEST_CASE("conformance §5.1: masking is required of clients and forbidden to servers") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        // The peer breaks its rule: a client peer does not mask, a server peer masks.
        h.send(craft(1, "wrong mask").masked(!h.peer_masks()));
        h.expect_close(close_code::protocol_error);
    }
}

TEST_CASE("conformance §5.2: reserved bits without an extension fail with 1002") {
    for (Role role : kRoles) {
        for (int rsv : {0x40, 0x20, 0x10, 0x70}) {
            CAPTURE(role_name(role));
            CAPTURE(rsv);
            Harness h(role);
            h.send(craft(1, "ok"));
            h.expect_echo(1, "ok");
            h.send(craft(1, "rsv").with_rsv(static_cast<std::uint8_t>(rsv)));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §5.2: reserved opcodes fail with 1002") {
    for (Role role : kRoles) {
        for (int op : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            CAPTURE(role_name(role));
            CAPTURE(op);
            Harness h(role);
            h.send(craft(static_cast<std::uint8_t>(op), op >= 8 ? "" : "payload"));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §5.2: non-minimal lengths and a 64-bit length with the top bit fail") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role);
            h.send(craft(1, "short").with_length_form(126));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(2, text_of(200)).with_length_form(127));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(2, "").with_length_form(127).declaring(0x8000000000000000ull));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §10.4: a message over the read limit fails with 1009") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role, 1000);
            h.send(craft(2, text_of(1000)));
            h.expect_echo(2, text_of(1000));
            h.send(craft(2, text_of(1001)));
            h.expect_close(close_code::message_too_big);
        }
        {
            // Over the limit only once the fragments are added up.
            Harness h(role, 1000);
            h.send(craft(1, text_of(600)).not_final());
            h.send(craft(0, text_of(600)));
            h.expect_close(close_code::message_too_big);
        }
        {
            // A declared length far beyond the limit fails before any payload is sent.
            Harness h(role, 1000);
            h.send(craft(2, "").declaring(1ull << 40));
            h.expect_close(close_code::message_too_big);
        }
    }
}
