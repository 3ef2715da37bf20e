// A WebSocket route behind http::gzip_handler, with a real client: Node's ws offers
// `Accept-Encoding: gzip, deflate` and permessage-deflate (RFC 7692) to our blocking Upgrader
// (which hijacks the connection) and to our event-driven route (upgrade_on_loop). The 101 must
// carry no Content-Encoding (a 101 has no content to code, RFC 9110 §15.2.2), the echo must
// work, and the frame trace must show every message compressed both ways.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "http/gzip_handler.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/websocket/echo_server.hpp"
#include "tests/websocket/frame_log.hpp"
#include "tests/websocket/peers.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace wire::websocket::test;
using namespace std::chrono_literals;

namespace {

void check_compressed_both_ways(FrameLog& log) {
    const FrameTally in = log.tally("recv"), out = log.tally("send");
    INFO("received: " << in << "\nsent: " << out);
    CHECK(in.violations.empty());
    CHECK(out.violations.empty());
    CHECK(in.messages == 3);
    CHECK(in.compressed == 3);
    CHECK(out.messages == 3);
    CHECK(out.compressed == 3);
}

}  // namespace

TEST_CASE("a WebSocket route behind gzip_handler: Node ws with Accept-Encoding and deflate") {
    const auto probe = peer_command(PeerKind::node, "gzip-upgrade-client", "ws://x/");
    if (probe.empty()) {
        MESSAGE("skipped: node ws is not installed");
        return;
    }
    FrameLog blocking_log, loop_log;
    EchoThreads threads;  // joined after the server has stopped
    {
        auto mux = std::make_shared<http::ServeMux>();
        http::Server server;
        server.addr = "127.0.0.1:0";
        server.loops = 1;
        server.log = [](std::string_view) {};
        // A page behind the same gzip_handler: the client checks it comes compressed.
        mux->handle_func("GET /page", [](http::ResponseWriter& w, http::Request&) {
            w.header().set("Content-Type", "text/plain; charset=utf-8");
            (void)w.write(std::string(4096, 'a'));
        });
        Upgrader upgrader;
        upgrader.enable_compression = true;
        upgrader.compression.threshold = 0;
        upgrader.trace = blocking_log.sink();
        mux->handle_func("/blocking", [&](http::ResponseWriter& w, http::Request& r) {
            auto conn = upgrader.upgrade(w, r);
            if (conn) threads.start(std::move(*conn));
        });
        Engine engine;
        Endpoint echo;
        echo.options.enable_compression = true;
        echo.options.compression.threshold = 0;
        echo.options.trace = loop_log.sink();
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        handle(*mux, "/loop", engine, echo);
        server.handler = http::gzip_handler(mux);
        Running running(server);
        const std::string host = "127.0.0.1:" + std::to_string(server.address().port());

        for (const char* path : {"/blocking", "/loop"}) {
            CAPTURE(path);
            auto argv = peer_command(PeerKind::node, "gzip-upgrade-client", "ws://" + host + path);
            argv.push_back("http://" + host + "/page");
            expect_peer_client_ok(argv);
        }
    }
    check_compressed_both_ways(blocking_log);
    check_compressed_both_ways(loop_log);
}
