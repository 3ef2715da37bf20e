// backplane_server: the smallest chat a backplane benchmark needs. Every connection to /chat
// subscribes to the topic "chat"; every message a connection sends is published to it. With
// --redis the Hub is joined to the other instances through a RedisBackplane (pub/sub, or
// Streams with --streams); without it the process is one instance on its own, the baseline of
// the cross-instance ratio. One event loop for the WebSockets and one for redis, on two threads;
// with --shared-loop the redis connections live on the WebSockets' loop, one thread in all, so
// a message crosses no thread inside the instance.
//
//   build/bench/backplane_server --port N [--redis HOST:PORT] [--sharded] [--streams]
//                                [--shared-loop]
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
    bool shared_loop = false;
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
        } else if (a == "--shared-loop") {
            f.shared_loop = true;
        } else {
            std::fprintf(stderr,
                         "usage: %s --port N [--redis HOST:PORT] [--sharded] [--streams] "
                         "[--shared-loop]\n",
                         argv[0]);
            std::exit(2);
        }
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const Flags flags = parse(argc, argv);
    websocket::ServerOptions so;
    so.loops = 1;
    so.check_same_origin = false;
    websocket::WebSocketServer server(so);
    websocket::Hub& hub = server.hub();

    // The backplane on the WebSockets' loop (--shared-loop), or on a loop and thread of its own.
    net::EventLoop own_loop;
    net::EventLoop& redis_loop = flags.shared_loop ? server.loops().loop(0) : own_loop;
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
        if (!flags.shared_loop) redis_thread = std::thread([&] { (void)own_loop.run(); });
        hub.set_backplane(backplane.get());
    }

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

    // The server's loops have stopped: a backplane on them may go now; one on its own loop goes
    // on that loop's thread.
    hub.set_backplane(nullptr);
    if (redis_thread.joinable()) {
        std::promise<void> stopped;
        own_loop.post([&] {
            backplane.reset();
            stopped.set_value();
            own_loop.stop();
        });
        stopped.get_future().wait();
        redis_thread.join();
    }
    backplane.reset();
    return 0;
}
