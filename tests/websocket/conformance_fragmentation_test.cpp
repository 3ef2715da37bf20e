// RFC 6455 conformance, fragmentation (§5.4) and UTF-8 (§5.6, §8.1), against both roles.
#include "tests/websocket/conformance.hpp"

#include <chrono>
#include <thread>

#include "tests/websocket/utf8_cases.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;

namespace {
const Role kRoles[] = {Role::server, Role::client};
}  // namespace

TEST_CASE("conformance §5.4: fragmented messages are reassembled, with pings between fragments") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        h.send(craft(1, "frag").not_final());
        h.send(craft(0, "ment").not_final());
        h.send(craft(0, "ed"));
        h.expect_echo(1, "fragmented");
        // Empty fragments count too.
        h.send(craft(2, "").not_final());
        h.send(craft(0, "").not_final());
        h.send(craft(0, ""));
        h.expect_echo(2, "");
        // A ping inside a fragmented message is answered at once (§5.4: control frames MAY be
        // injected in the middle of a fragmented message).
        h.send(craft(1, "a").not_final());
        h.send(craft(9, "mid"));
        auto pong = h.receive();
        REQUIRE(pong);
        CHECK(pong->opcode == 0xA);
        CHECK(pong->payload == "mid");
        h.send(craft(0, "b"));
        h.expect_echo(1, "ab");
        // Many one-byte fragments, sent byte by byte.
        std::string bytes = h.frame(craft(2, "x").not_final());
        for (int i = 0; i < 50; ++i)
            bytes += h.frame(craft(0, "y").not_final());
        bytes += h.frame(craft(0, "z"));
        h.send_slowly(bytes);
        h.expect_echo(2, "x" + std::string(50, 'y') + "z");
    }
}

TEST_CASE("conformance §5.4: continuation without a message, or a new message inside one") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        {
            Harness h(role);
            h.send(craft(0, "orphan"));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(0, "orphan").not_final());
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(1, "first").not_final());
            h.send(craft(1, "second"));
            h.expect_close(close_code::protocol_error);
        }
        {
            Harness h(role);
            h.send(craft(1, "complete"));
            h.expect_echo(1, "complete");
            h.send(craft(0, "after the end"));
            h.expect_close(close_code::protocol_error);
        }
    }
}

TEST_CASE("conformance §8.1: valid UTF-8 text is echoed, split anywhere across fragments") {
    const std::string text =
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 \xf0\x9f\x98\x80 \xef\xbf\xbf";
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        h.send(craft(1, text));
        h.expect_echo(1, text);
        for (std::size_t cut = 1; cut < text.size(); ++cut) {
            CAPTURE(cut);
            h.send(craft(1, text.substr(0, cut)).not_final());
            h.send(craft(0, text.substr(cut)));
            h.expect_echo(1, text);
        }
    }
}

TEST_CASE("conformance §8.1: invalid UTF-8 fails with 1007") {
    const char* invalid[] = {
        "\xff",              // never valid
        "\xc0\xaf",          // overlong '/'
        "\xe0\x80\xaf",      // overlong
        "\xed\xa0\x80",      // surrogate U+D800
        "\xf4\x90\x80\x80",  // above U+10FFFF
        "\xce\xba\xe1",      // truncated at the end of the message
        "\x80",              // a lone continuation byte
    };
    for (Role role : kRoles) {
        for (const char* bad : invalid) {
            CAPTURE(role_name(role));
            CAPTURE(bad);
            Harness h(role);
            h.send(craft(1, std::string("ok ") + bad));
            h.expect_close(close_code::invalid_payload);
        }
    }
}

TEST_CASE("conformance §8.1: invalid UTF-8 fails fast, before the message ends") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        // The first fragment already holds an invalid byte; the rest is never sent.
        h.send(craft(1, "valid then \xed\xa0\x80").not_final());
        h.expect_close(close_code::invalid_payload);
    }
}

TEST_CASE("conformance §8.1: fail fast across fragments and TCP writes; the rest never comes") {
    for (Role role : kRoles) {
        for (const Utf8Case& c : fail_fast_cases()) {
            const std::string where = std::string(role_name(role)) + ": " + c.name;
            CAPTURE(where);
            Harness h(role);
            const auto writes = cut_writes(c, [&](const FrameSpec& f) {
                Craft frame = craft(f.opcode, f.payload);
                frame.fin = f.fin;
                return h.frame(frame);
            });
            const auto start = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < writes.size(); ++i) {
                if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
                h.send(writes[i]);
            }
            h.expect_close(close_code::invalid_payload);
            // Bounded: nothing but the check can end this connection (it has no timeouts).
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
        }
    }
}

TEST_CASE("conformance §8.1: characters cut at fragment and TCP boundaries are accepted") {
    for (Role role : kRoles) {
        Harness h(role);
        for (const Utf8Case& c : valid_split_cases()) {
            const std::string where = std::string(role_name(role)) + ": " + c.name;
            CAPTURE(where);
            const auto writes = cut_writes(c, [&](const FrameSpec& f) {
                Craft frame = craft(f.opcode, f.payload);
                frame.fin = f.fin;
                return h.frame(frame);
            });
            for (std::size_t i = 0; i < writes.size(); ++i) {
                if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
                h.send(writes[i]);
            }
            h.expect_echo(1, c.echo);
        }
    }
}

TEST_CASE("conformance §5.6: binary messages are not checked for UTF-8") {
    for (Role role : kRoles) {
        CAPTURE(role_name(role));
        Harness h(role);
        const std::string bytes("\xff\xfe\xed\xa0\x80\xc0", 6);
        h.send(craft(2, bytes));
        h.expect_echo(2, bytes);
    }
}
