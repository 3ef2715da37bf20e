// backplane_server: the smallest chat a backplane benchmark needs. Every connection to /chat
// subscribes to the topic "chat"; every message a connection sends is published to it. With
// --redis the Hub is joined to the other instances through a RedisBackplane (pub/sub, or
// Streams with --streams); without it the process is one instance on its own, the baseline of
// the cross-instance ratio. One event loop for the WebSockets and one for redis, so that each
// instance can be pinned to a core.
//
//   build/bench/backplane_server --port N [--redis HOST:PORT] [--sharded] [--streams]
//
// Runs until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "cluster/redis_backplane.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

namespace {

using namespace wire;
using namespace std::chrono_literals;

struct Flags {
    std::string port = "0";
    std::string redis;
    bool sharded = false;
    bool streams = false;
};

Flags parse(int argc, char** argv) {
    Flags f;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--port" && i + 1 < argc) {
            f.port = argv[++i];
        } else if (a == "--redis" && i + 1 < argc) {
            f.redis = argv[++i];
        } else if (a == "--sharded") {
            f.sharded = true;
        } else if (a == "--streams") {
            f.streams = true;
        } else {
            std::fprintf(stderr, "usage: %s --port N [--redis HOST:PORT] [--sharded] [--streams]\n",
                         argv[0]);
            std::exit(2);
        }
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const Flags flags = parse(argc, argv);
    net::EventLoop redis_loop;
    std::unique_ptr<cluster::RedisBackplane> backplane;
    std::thread redis_thread;
    if (!flags.redis.empty()) {
        cluster::RedisBackplaneOptions o;
        o.redis.address = flags.redis;
        o.sharded = flags.sharded;
        o.streams = flags.streams;
        backplane = std::make_unique<cluster::RedisBackplane>(redis_loop, o);
        if (const std::error_code ec = backplane->start()) {
            std::fprintf(stderr, "backplane_server: %s\n", ec.message().c_str());
            return 1;
        }
        redis_thread = std::thread([&] { (void)redis_loop.run(); });
    }

    websocket::ServerOptions so;
    so.loops = 1;
    so.check_same_origin = false;
    websocket::WebSocketServer server(so);
    websocket::Hub& hub = server.hub();
    if (backplane) hub.set_backplane(backplane.get());
    websocket::Endpoint e;
    e.handlers.on_open = [](websocket::LoopConn& c) { c.subscribe("chat"); };
    e.handlers.on_message = [&hub](websocket::LoopConn&, const websocket::LoopMessage& m) {
        hub.publish("chat", m.opcode, m.payload);
    };
    server.route("/chat", std::move(e));
    if (const std::error_code ec = server.listen("127.0.0.1:" + flags.port)) {
        std::fprintf(stderr, "backplane_server: %s\n", ec.message().c_str());
        return 1;
    }
    (void)server.shutdown_on_signals(200ms);
    std::printf("backplane_server: listening on 127.0.0.1:%u%s\n", server.port(),
                backplane ? " (joined through redis)" : "");
    std::fflush(stdout);
    server.run();

    hub.set_backplane(nullptr);
    if (backplane) {
        std::promise<void> stopped;
        redis_loop.post([&] {
            backplane.reset();
            stopped.set_value();
            redis_loop.stop();
        });
        stopped.get_future().wait();
        redis_thread.join();
    }
    return 0;
}
