// Interop with permessage-deflate (RFC 7692) for fragmented messages: Node's ws
// (perMessageDeflate, fragments it is told to send, some empty, a text cut inside its
// characters), python3-websockets (compression on by default, send() of an iterable: one
// fragment per piece, some empty) and gorilla/websocket (EnableCompression, NextWriter with a
// 1 KiB write buffer) send compressed messages in fragments to our blocking Upgrader's Conn and
// to our event-driven route's LoopConn, and read our echo back: the Conn's in pieces through
// next_writer. Each server's frame trace shows RSV1 on the first frame of every compressed
// message and on no continuation frame (§6.1), in both directions.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/websocket/echo_server.hpp"
#include "tests/websocket/frame_log.hpp"
#include "tests/websocket/peers.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace wire::websocket::test;
using namespace std::chrono_literals;

namespace {

// Runs the peer's fragmenting client against `url`; false when the peer is not installed.
bool run_fragment_client(PeerKind kind, const std::string& url) {
    const auto argv = peer_command(kind, "deflate-frag-client", url);
    if (argv.empty()) {
        MESSAGE("skipped: " << peer_name(kind) << " is not installed");
        return false;
    }
    expect_peer_client_ok(argv);
    return true;
}

// What both peers send: every message compressed, the two large ones in several frames.
void check_received(FrameLog& log, PeerKind kind) {
    const FrameTally in = log.tally("recv");
    INFO("received: " << in);
    CHECK(in.violations.empty());
    CHECK(in.messages == (kind == PeerKind::gorilla ? 3 : 5));
    CHECK(in.compressed == in.messages);
    CHECK(in.fragmented >= (kind == PeerKind::gorilla ? 2 : 4));
}

// An event-driven echo route; with `streaming`, the message arrives through on_fragment.
struct LoopEcho {
    http::Server server;
    Engine engine;
    Endpoint echo;
    std::string joined;  // the loop thread's message being joined (streaming)

    LoopEcho(FrameLog& log, bool streaming) {
        auto mux = std::make_shared<http::ServeMux>();
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        server.handler = mux;
        echo.options.enable_compression = true;
        echo.options.compression.threshold = 0;
        echo.options.limits.frame.max_message_size = 4u << 20;
        echo.options.stream_fragments = streaming;
        echo.options.trace = log.sink();
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        echo.handlers.on_fragment = [this](LoopConn& c, const Fragment& f) {
            if (f.first) joined.clear();
            joined.append(reinterpret_cast<const char*>(f.payload.data()), f.payload.size());
            if (f.last) {
                (void)c.send(f.opcode,
                             {reinterpret_cast<const std::uint8_t*>(joined.data()), joined.size()});
            }
        };
        handle(*mux, "/echo", engine, echo);
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(server.address().port()) + "/echo";
    }
};

// What our server echoed: every message back, each compressed, RSV1 only where it belongs.
FrameTally check_echoed(FrameLog& log) {
    const FrameTally out = log.tally("send");
    INFO("sent: " << out);
    CHECK(out.violations.empty());
    CHECK(out.messages == log.tally("recv").messages);
    CHECK(out.compressed == out.messages);
    return out;
}

void fragments_to_our_route(PeerKind kind, bool streaming) {
    CAPTURE(streaming);
    FrameLog log;
    {
        LoopEcho echo(log, streaming);
        Running running(echo.server);
        if (!run_fragment_client(kind, echo.url())) return;
    }
    check_received(log, kind);
    // A LoopConn sends whole messages: one compressed frame each.
    (void)check_echoed(log);
}

void fragments_to_our_servers(PeerKind kind) {
    CAPTURE(peer_name(kind));
    SUBCASE("our blocking Conn, echoing through next_writer") {
        FrameLog log;
        Upgrader upgrader;
        upgrader.enable_compression = true;
        upgrader.compression.threshold = 0;
        upgrader.trace = log.sink();
        {
            EchoServer server(upgrader, /*write_piece=*/5000);
            if (!run_fragment_client(kind, server.url("/echo"))) return;
        }
        check_received(log, kind);
        // Our echo, written in 5000-byte pieces: the two large messages leave in fragments.
        CHECK(check_echoed(log).fragmented >= 2);
    }
    SUBCASE("our event-driven route, whole messages") {
        fragments_to_our_route(kind, false);
    }
    SUBCASE("our event-driven route, streamed fragments") {
        fragments_to_our_route(kind, true);
    }
}

}  // namespace

TEST_CASE("interop, permessage-deflate: Node ws sends fragmented compressed messages to us") {
    fragments_to_our_servers(PeerKind::node);
}

TEST_CASE(
    "interop, permessage-deflate: python3-websockets sends fragmented compressed messages "
    "to us") {
    fragments_to_our_servers(PeerKind::python);
}

TEST_CASE("interop, permessage-deflate: gorilla sends fragmented compressed messages to us") {
    fragments_to_our_servers(PeerKind::gorilla);
}
