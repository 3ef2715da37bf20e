// Interop: our Dialer and client Conn against echo servers written with python3-websockets, Node's
// ws and gorilla/websocket, each started by the test (tests/websocket/peers/).
#include <doctest/doctest.h>

#include <string>

#include "tests/websocket/echo_server.hpp"
#include "tests/websocket/peers.hpp"
#include "websocket/dialer.hpp"

using namespace wire::websocket;
using namespace wire::websocket::test;
using namespace std::chrono_literals;

namespace {

std::string bytes_0_to_255() {
    std::string s(256, '\0');
    for (int i = 0; i < 256; ++i)
        s[static_cast<std::size_t>(i)] = static_cast<char>(i);
    return s;
}

void exchange_with_server(PeerKind kind) {
    CAPTURE(peer_name(kind));
    auto peer = start_peer_server(kind);
    if (peer.absent) {
        MESSAGE("skipped: " << peer_name(kind) << " is not installed");
        return;
    }
    REQUIRE(peer.port != 0);
    Dialer d;
    d.subprotocols = {"chat"};
    d.handshake_timeout = 10s;
    auto conn = d.dial("ws://127.0.0.1:" + std::to_string(peer.port) + "/echo");
    REQUIRE(conn);
    CHECK(conn->subprotocol() == "chat");
    conn->set_read_deadline(Clock::now() + 20s);

    const struct {
        Opcode type;
        std::string data;
    } cases[] = {
        {Opcode::text, "hello"},
        {Opcode::text, "h\xc3\xa9llo \xf0\x9f\x98\x80"},
        {Opcode::binary, bytes_0_to_255()},
        {Opcode::text, std::string(100000, 'x')},
        {Opcode::binary, std::string(70000, '\0')},
        {Opcode::text, ""},
    };
    for (const auto& k : cases) {
        CAPTURE(k.data.size());
        REQUIRE(conn->write_message(k.type, k.data));
        auto m = conn->read_message();
        REQUIRE(m);
        CHECK(m->type == k.type);
        CHECK(m->text() == k.data);
    }
    // A fragmented message (several frames through next_writer).
    {
        auto w = conn->next_writer(Opcode::text);
        REQUIRE(w);
        for (int i = 0; i < 10; ++i)
            REQUIRE(w->write(std::string(1000, static_cast<char>('a' + i))));
        REQUIRE(w->close());
        auto m = conn->read_message();
        REQUIRE(m);
        CHECK(m->data.size() == 10000);
        CHECK(m->text().substr(9000) == std::string(1000, 'j'));
    }
    // Ping: the peer answers with a pong carrying the payload.
    std::string pong;
    conn->set_pong_handler([&](std::span<const std::uint8_t> p) {
        pong.assign(reinterpret_cast<const char*>(p.data()), p.size());
        return std::error_code{};
    });
    REQUIRE(conn->write_control(Opcode::ping, "ping!", Clock::now() + 2s));
    REQUIRE(conn->write_message(Opcode::text, "after ping"));
    auto after = conn->read_message();
    REQUIRE(after);
    CHECK(pong == "ping!");
    // The closing handshake: the peer echoes our close, so close() returns without timing out.
    const auto start = Clock::now();
    CHECK_FALSE(conn->close(close_code::normal, "bye", 5s));
    CHECK(Clock::now() - start < 4s);
    CHECK(conn->close_error().code == close_code::normal);
}

}  // namespace

TEST_CASE("interop: our client against a python3-websockets server") {
    exchange_with_server(PeerKind::python);
}

TEST_CASE("interop: our client against a Node ws server") {
    exchange_with_server(PeerKind::node);
}

TEST_CASE("interop: our client against a gorilla/websocket server") {
    exchange_with_server(PeerKind::gorilla);
}

// ---- the peers as clients against our server (Upgrader + server Conn)

namespace {

void exchange_with_client(PeerKind kind) {
    CAPTURE(peer_name(kind));
    Upgrader upgrader;
    upgrader.subprotocols = {"chat"};
    EchoServer server(upgrader);
    const auto argv = peer_command(kind, "client", server.url("/echo"));
    if (argv.empty()) {
        MESSAGE("skipped: " << peer_name(kind) << " is not installed");
        return;
    }
    wire::test::Process client(argv, peer_env());
    REQUIRE(client.running());
    const auto line = client.read_line(30s);
    REQUIRE(line);
    CHECK(*line == "OK");
    CHECK(client.wait(10s) == 0);
}

}  // namespace

TEST_CASE("interop: a python3-websockets client against our server") {
    exchange_with_client(PeerKind::python);
}

TEST_CASE("interop: a Node ws client against our server") {
    exchange_with_client(PeerKind::node);
}

TEST_CASE("interop: a gorilla/websocket client against our server") {
    exchange_with_client(PeerKind::gorilla);
}
