// Interop with permessage-deflate (RFC 7692): our Dialer against python3-websockets (12-bit
// windows by default), Node's ws (perMessageDeflate) and gorilla/websocket (EnableCompression,
// no context takeover) servers, and those peers as clients against our blocking Upgrader and our
// event-driven route. Messages of 0 B to 16 MiB, text and binary, whole and fragmented.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/support/json_like.hpp"
#include "tests/websocket/echo_server.hpp"
#include "tests/websocket/peers.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/dialer.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

using namespace wire;
using wire::test::json_like;
using namespace wire::websocket;
using namespace wire::websocket::test;
using namespace std::chrono_literals;

namespace {

const std::size_t kSizes[] = {0, 1, 125, 126, 65535, 65536, 1u << 20, 16u << 20};

void deflate_exchange_with_server(PeerKind kind) {
    CAPTURE(peer_name(kind));
    auto peer = start_peer_server(kind, "deflate-server");
    if (peer.absent) {
        MESSAGE("skipped: " << peer_name(kind) << " is not installed");
        return;
    }
    REQUIRE(peer.port != 0);
    Dialer d;
    d.enable_compression = true;
    d.compression.threshold = 0;
    d.handshake_timeout = 10s;
    d.read_limit = 64u << 20;
    d.trace = {};
    auto conn = d.dial("ws://127.0.0.1:" + std::to_string(peer.port) + "/echo");
    REQUIRE(conn);
    REQUIRE(conn->compression() != nullptr);
    conn->set_read_deadline(Clock::now() + 60s);
    for (const std::size_t n : kSizes) {
        for (const Opcode op : {Opcode::text, Opcode::binary}) {
            CAPTURE(n);
            const std::string data = json_like(n);
            REQUIRE(conn->write_message(op, data));
            auto m = conn->read_message();
            REQUIRE(m);
            CHECK(m->type == op);
            CHECK(m->text() == data);
        }
    }
    // Fragmented by us: a MessageWriter's compressed fragments.
    const std::string big = json_like(200000);
    auto w = conn->next_writer(Opcode::text);
    REQUIRE(w);
    for (std::size_t at = 0; at < big.size(); at += 3000)
        REQUIRE(w->write(std::string_view(big).substr(at, 3000)));
    REQUIRE(w->close());
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == big);
    CHECK_FALSE(conn->close(close_code::normal, "bye", 5s));
}

// Runs the peer's deflate client against `url`; it prints OK after its whole exchange.
void run_peer_client(PeerKind kind, const std::string& url) {
    const auto argv = peer_command(kind, "deflate-client", url);
    if (argv.empty()) {
        MESSAGE("skipped: " << peer_name(kind) << " is not installed");
        return;
    }
    wire::test::Process client(argv, peer_env());
    REQUIRE(client.running());
    const auto line = client.read_line(90s);
    REQUIRE(line);
    CHECK(*line == "OK");
    CHECK(client.wait(10s) == 0);
}

void deflate_exchange_with_client(PeerKind kind) {
    CAPTURE(peer_name(kind));
    SUBCASE("our blocking Upgrader") {
        Upgrader upgrader;
        upgrader.enable_compression = true;
        upgrader.compression.threshold = 0;
        upgrader.read_limit = 64u << 20;
        upgrader.trace = {};
        EchoServer server(upgrader);
        run_peer_client(kind, server.url("/echo"));
    }
    SUBCASE("our event-driven route") {
        auto mux = std::make_shared<http::ServeMux>();
        http::Server server;
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        server.handler = mux;
        Engine engine;
        Endpoint echo;
        echo.options.enable_compression = true;
        echo.options.compression.threshold = 0;
        echo.options.limits.frame.max_message_size = 64u << 20;
        echo.options.limits.max_queued_bytes = 64u << 20;
        echo.options.trace = {};
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        handle(*mux, "/echo", engine, echo);
        Running running(server);
        run_peer_client(kind,
                        "ws://127.0.0.1:" + std::to_string(server.address().port()) + "/echo");
    }
}

}  // namespace

TEST_CASE("interop, permessage-deflate: our client against a python3-websockets server") {
    deflate_exchange_with_server(PeerKind::python);
}

TEST_CASE("interop, permessage-deflate: our client against a Node ws server") {
    deflate_exchange_with_server(PeerKind::node);
}

TEST_CASE("interop, permessage-deflate: our client against a gorilla/websocket server") {
    deflate_exchange_with_server(PeerKind::gorilla);
}

TEST_CASE("interop, permessage-deflate: a python3-websockets client against our servers") {
    deflate_exchange_with_client(PeerKind::python);
}

TEST_CASE("interop, permessage-deflate: a Node ws client against our servers") {
    deflate_exchange_with_client(PeerKind::node);
}

TEST_CASE("interop, permessage-deflate: a gorilla/websocket client against our servers") {
    deflate_exchange_with_client(PeerKind::gorilla);
}
