// RFC 6455 rules checked against an event-driven echo route (LoopConn), with crafted bytes:
// each broken frame must be answered with the right close code and a closed TCP connection;
// valid inputs delivered byte by byte must echo exactly.
#include <doctest/doctest.h>

#include <string>

#include "tests/websocket/event_client.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using wire::websocket::test::Client;

namespace {

// A client frame with any header bits we like; masked with a zero key (so the payload is as is).
std::string raw_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true,
                      int length_form = 0) {
    std::string out(1, static_cast<char>(first_byte));
    const char m = masked ? static_cast<char>(0x80) : 0;
    if (length_form == 127) {
        out.push_back(static_cast<char>(m | 127));
        for (int s = 56; s >= 0; s -= 8)
            out.push_back(static_cast<char>(payload.size() >> s));
    } else {
        out.push_back(static_cast<char>(m | static_cast<char>(payload.size())));
    }
    if (masked) out.append(4, '\0');
    out.append(payload);
    return out;
}

std::unique_ptr<WebSocketServer> echo_server() {
    ServerOptions o;
    o.loops = 1;
    auto s = std::make_unique<WebSocketServer>(o);
    Endpoint e;
    e.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

}  // namespace

TEST_CASE("LoopConn conformance: broken frames fail the connection with the right code") {
    auto server = echo_server();
    struct Case {
        const char* rule;
        std::string bytes;
        std::uint16_t code;
    };
    const Case cases[] = {
        {"§5.2 reserved bit without an extension", raw_frame(0x81 | 0x40, "x"), 1002},
        {"§5.2 reserved data opcode 0x3", raw_frame(0x83, "x"), 1002},
        {"§5.2 reserved control opcode 0xB", raw_frame(0x8B, ""), 1002},
        {"§5.1 unmasked client frame", raw_frame(0x82, "x", false), 1002},
        {"§5.4 continuation with no message", raw_frame(0x80, "x"), 1002},
        {"§5.4 new data frame inside a message", raw_frame(0x01, "a") + raw_frame(0x81, "b"), 1002},
        {"§5.5 fragmented ping", raw_frame(0x09, ""), 1002},
        {"§5.5 ping over 125 bytes", raw_frame(0x89, "", true, 127), 1002},
        {"§5.2 non-minimal 64-bit length", raw_frame(0x82, "abc", true, 127), 1002},
        {"§5.5.1 one-byte close payload", raw_frame(0x88, "x"), 1002},
        {"§7.4.1 close code 1005 on the wire", raw_frame(0x88, std::string("\x03\xed", 2)), 1002},
        {"§8.1 invalid UTF-8 in text", raw_frame(0x81, "\xc3\x28"), 1007},
        {"§8.1 invalid UTF-8 across fragments",
         raw_frame(0x01, "ok\xe2") + raw_frame(0x80, "\x28\xa1"), 1007},
    };
    for (const Case& c : cases) {
        CAPTURE(c.rule);
        Client client = Client::connect(server->port());
        REQUIRE(client.write_all(c.bytes));
        const auto f = client.read_frame();
        REQUIRE(f);
        CHECK(f->opcode == Opcode::close);
        CHECK(f->close_code() == c.code);
        CHECK(client.wait_eof());
    }
}

TEST_CASE("LoopConn conformance: valid input delivered one byte per write echoes exactly") {
    auto server = echo_server();
    Client client = Client::connect(server->port());
    // A fragmented text message with a ping between its fragments (§5.4), then a binary frame
    // in the 16-bit length form, every byte in a write of its own.
    const std::string bytes = raw_frame(0x01, "Hel") + raw_frame(0x89, "ping") +
                              raw_frame(0x00, "lo, ") + raw_frame(0x80, "wörld");
    for (char ch : bytes)
        REQUIRE(client.write_all(std::string_view(&ch, 1)));
    REQUIRE(client.send(Opcode::binary, std::string(300, 'b')));
    auto f = client.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == Opcode::pong);
    CHECK(f->payload == "ping");
    CHECK(client.read_message() == "Hello, wörld");
    CHECK(client.read_message() == std::string(300, 'b'));
    // §7.1.2: a close with a code and a UTF-8 reason is echoed with the code, then TCP closes.
    REQUIRE(client.write_all(raw_frame(0x88, std::string("\x0f\xa0", 2) + "bye")));
    f = client.read_frame();
    REQUIRE(f);
    CHECK(f->close_code() == 4000);
    CHECK(client.wait_eof());
}
