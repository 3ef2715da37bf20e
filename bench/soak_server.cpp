// soak_server: the one server bench/soak.sh loads for minutes. One http::Server serves
//   GET /          "hello world!\n" (wrk's keep-alive load)
//   GET /probe     "probe\n", counted (the shutdown probe, bench/soak_probe.cpp)
//   ws://.../ws    echoes each message with its opcode (an event-driven route on the same loops)
// SIGTERM or SIGINT: Server::shutdown with a grace period; the WebSocket Engine closes its
// connections with 1001 through websocket::shutdown_with. On exit it prints one line
//   RESULT probe_handled=N hello_handled=N ws_messages=N ws_opened=N ws_closed=N shutdown=ok|...
// so the probe's completed responses can be checked against what the server answered.
//
//   build/bench/soak_server [--port N] [--grace-ms MS] [--idle-grace-ms MS]
// WORKERS=N event loops (default 1); --idle-grace-ms sets Server::shutdown_idle_grace (default
// the Server's), 0 to see the keep-alive race it closes.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "websocket/engine.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

namespace {

// Handlers run on the loops; relaxed counters are enough for a total read after they stop.
struct Counters {
    std::atomic<std::uint64_t> hello{0};
    std::atomic<std::uint64_t> probe{0};
    std::atomic<std::uint64_t> ws_messages{0};
    std::atomic<std::uint64_t> ws_opened{0};
    std::atomic<std::uint64_t> ws_closed{0};
};

unsigned long long load(const std::atomic<std::uint64_t>& n) {
    return static_cast<unsigned long long>(n.load(std::memory_order_relaxed));
}

}  // namespace

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8096";
    long grace_ms = 5000;
    long idle_grace_ms = -1;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
        if (std::strcmp(argv[i], "--grace-ms") == 0) grace_ms = std::atol(argv[i + 1]);
        if (std::strcmp(argv[i], "--idle-grace-ms") == 0) idle_grace_ms = std::atol(argv[i + 1]);
    }
    static Counters counters;

    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("GET /", [](http::ResponseWriter& w, http::Request&) {
        counters.hello.fetch_add(1, std::memory_order_relaxed);
        (void)w.write("hello world!\n");
    });
    mux->handle_func("GET /probe", [](http::ResponseWriter& w, http::Request&) {
        counters.probe.fetch_add(1, std::memory_order_relaxed);
        (void)w.write("probe\n");
    });

    ws::Engine engine;
    ws::Endpoint echo;
    echo.handlers.on_open = [](ws::LoopConn&) {
        counters.ws_opened.fetch_add(1, std::memory_order_relaxed);
    };
    echo.handlers.on_message = [](ws::LoopConn& c, const ws::LoopMessage& m) {
        counters.ws_messages.fetch_add(1, std::memory_order_relaxed);
        (void)c.send(m.opcode, m.payload);
    };
    echo.handlers.on_close = [](ws::LoopConn&, std::uint16_t, std::string_view) {
        counters.ws_closed.fetch_add(1, std::memory_order_relaxed);
    };
    ws::handle(*mux, "GET /ws", engine, echo);

    http::Server server;
    server.addr = "127.0.0.1:" + port;
    server.handler = mux;
    if (const char* workers = std::getenv("WORKERS"))
        server.loops = std::strtoul(workers, nullptr, 10);
    if (idle_grace_ms >= 0) server.shutdown_idle_grace = std::chrono::milliseconds(idle_grace_ms);
    const auto grace = std::chrono::milliseconds(grace_ms);
    ws::shutdown_with(server, engine, grace);
    server.shutdown_on_signals(grace);
    auto result = server.listen_and_serve();
    const bool clean = result.error() == http::ServerError::server_closed;
    std::printf(
        "RESULT probe_handled=%llu hello_handled=%llu ws_messages=%llu ws_opened=%llu "
        "ws_closed=%llu shutdown=%s\n",
        load(counters.probe), load(counters.hello), load(counters.ws_messages),
        load(counters.ws_opened), load(counters.ws_closed),
        clean ? "ok" : result.error().message().c_str());
    return clean ? 0 : 1;
}
