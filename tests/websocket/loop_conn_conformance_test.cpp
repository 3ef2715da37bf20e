// RFC 6455 rules checked against an event-driven echo route (LoopConn), with crafted bytes:
// each broken frame must be answered with the right close code and a closed TCP connection;
// valid inputs delivered byte by byte must echo exactly.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/websocket/event_client.hpp"
#include "tests/websocket/serving.hpp"
#include "tests/websocket/utf8_cases.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"
#include "websocket/ws_server.hpp"

using namespace wire;
using namespace wire::websocket;
using wire::websocket::test::Client;
using wire::websocket::test::cut_writes;
using wire::websocket::test::FrameSpec;
using wire::websocket::test::Utf8Case;

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

// A client frame masked with a key that is not zero, so a payload unmasked from the wrong key
// position reads as garbage.
std::string masked_frame(const FrameSpec& f) {
    static constexpr char key[4] = {'\x12', '\x5a', '\x99', '\x07'};
    std::string out(1, static_cast<char>((f.fin ? 0x80 : 0) | f.opcode));
    out.push_back(static_cast<char>(0x80 | f.payload.size()));  // every case is under 126 bytes
    out.append(key, 4);
    for (std::size_t i = 0; i < f.payload.size(); ++i)
        out.push_back(static_cast<char>(f.payload[i] ^ key[i % 4]));
    return out;
}

// The three ways a LoopConn is served, each with an echo: the standalone WebSocketServer in
// message mode and in streaming mode (stream_fragments), and websocket::handle on an
// http::Server (the Engine adopts the connection).
struct EchoFace {
    const char* name = "";
    std::unique_ptr<WebSocketServer> standalone;
    std::unique_ptr<http::Server> http;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<Endpoint> endpoint;
    std::unique_ptr<websocket::test::Running> running;
    std::vector<std::uint8_t> streamed;  // streaming mode: the message so far

    std::uint16_t port() const { return standalone ? standalone->port() : http->address().port(); }
};

std::unique_ptr<EchoFace> streaming_echo_server() {
    auto face = std::make_unique<EchoFace>();
    face->name = "WebSocketServer, stream_fragments";
    ServerOptions o;
    o.loops = 1;
    face->standalone = std::make_unique<WebSocketServer>(o);
    Endpoint e;
    e.options.stream_fragments = true;
    e.handlers.on_fragment = [f = face.get()](LoopConn& c, const Fragment& frag) {
        if (frag.first) f->streamed.clear();
        f->streamed.insert(f->streamed.end(), frag.payload.begin(), frag.payload.end());
        if (frag.last) (void)c.send(frag.opcode, f->streamed);
    };
    face->standalone->route("/", std::move(e));
    REQUIRE_FALSE(face->standalone->listen("127.0.0.1:0"));
    face->standalone->start();
    return face;
}

std::unique_ptr<EchoFace> route_echo_server() {
    auto face = std::make_unique<EchoFace>();
    face->name = "websocket::handle on http::Server";
    auto mux = std::make_shared<http::ServeMux>();
    face->http = std::make_unique<http::Server>();
    face->http->addr = "127.0.0.1:0";
    face->http->log = [](std::string_view) {};
    face->http->handler = mux;
    face->engine = std::make_unique<Engine>();
    face->endpoint = std::make_unique<Endpoint>();
    face->endpoint->handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    handle(*mux, "/", *face->engine, *face->endpoint);
    face->running = std::make_unique<websocket::test::Running>(*face->http);
    return face;
}

std::vector<std::unique_ptr<EchoFace>> every_face() {
    std::vector<std::unique_ptr<EchoFace>> faces;
    faces.push_back(std::make_unique<EchoFace>());
    faces.back()->name = "WebSocketServer, whole messages";
    faces.back()->standalone = echo_server();
    faces.push_back(streaming_echo_server());
    faces.push_back(route_echo_server());
    return faces;
}

void send_writes(Client& client, const Utf8Case& c, std::chrono::milliseconds pause) {
    const auto writes = cut_writes(c, masked_frame);
    for (std::size_t i = 0; i < writes.size(); ++i) {
        if (i > 0) std::this_thread::sleep_for(pause);
        REQUIRE(client.write_all(writes[i]));
    }
}

}  // namespace

TEST_CASE("LoopConn conformance §8.1: invalid UTF-8 fails fast, the message never finished") {
    for (auto& face : every_face()) {
        for (const Utf8Case& c : websocket::test::fail_fast_cases()) {
            const std::string where = std::string(face->name) + ": " + c.name;
            CAPTURE(where);
            Client client = Client::connect(face->port());
            // Shorter than every timer of the connection (idle, ping), longer than a busy CI.
            client.set_timeout(std::chrono::seconds(3));
            const auto start = std::chrono::steady_clock::now();
            send_writes(client, c, std::chrono::milliseconds(100));
            const auto f = client.read_frame();
            CHECK(f);
            if (!f) continue;  // the next case may still pass: the report lists every failure
            CHECK(f->opcode == Opcode::close);
            CHECK(f->close_code() == close_code::invalid_payload);
            CHECK(client.wait_eof());
            CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
        }
    }
}

TEST_CASE("LoopConn conformance §8.1: characters cut at fragment and TCP boundaries pass") {
    for (auto& face : every_face()) {
        Client client = Client::connect(face->port());
        for (const Utf8Case& c : websocket::test::valid_split_cases()) {
            const std::string where = std::string(face->name) + ": " + c.name;
            CAPTURE(where);
            send_writes(client, c, std::chrono::milliseconds(20));
            CHECK(client.read_message() == c.echo);
        }
    }
}

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
