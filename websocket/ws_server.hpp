// WebSocketServer: a standalone event-driven WebSocket server for programs that need no HTTP
// routes: one listening socket that every loop of a LoopGroup accepts from
// (net/loop_listener.hpp), the RFC 6455 §4.2 opening handshake on the loop, then connections
// handed to an Engine with the Endpoint of the request's path.
// wire:glue
//
//     websocket::WebSocketServer server;
//     server.route("/", {options, {.on_message = [](LoopConn& c, const Message& m) {
//                                      c.send(m.opcode, m.payload); }}});
//     if (auto ec = server.listen("127.0.0.1:8080")) ...;
//     server.shutdown_on_signals(std::chrono::seconds(5));  // SIGINT/SIGTERM: 1001, drain, exit
//     server.run();
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/trace.hpp"
#include "net/loop_group.hpp"
#include "websocket/engine.hpp"
#include "websocket/event_handlers.hpp"

namespace wire::websocket {

struct ServerOptions {
    std::size_t loops = 0;  // 0: one per CPU
    // SO_REUSEPORT, off by default: listen() then fails on a port any socket holds ("listen
    // 127.0.0.1:8080: address already in use"). On, each loop gets its own socket in a
    // SO_REUSEPORT group, which other sockets of the same user that set it may join: for
    // zero-downtime restarts, where the new process binds beside the old one before the old one
    // closes (http::Server::reuse_port says more).
    bool reuse_port = false;
    // Busy polling on every loop (net::EventLoop::set_busy_poll): up to this long awake after a
    // busy pass before sleeping. Zero: off.
    std::chrono::microseconds busy_poll{0};
    // What the loops wait on (net/loop_backend.hpp): epoll, io_uring, automatic (io_uring when
    // the kernel offers it), or, by default, what the WIRE_LOOP environment variable says
    // (unset: automatic).
    net::LoopBackend loop_backend = net::LoopBackend::environment;
    Admission admission;
    // From accept to a complete upgrade request; then the connection is dropped.
    std::chrono::steady_clock::duration handshake_timeout = std::chrono::seconds(10);
    // The upgrade request's head may not be longer (431 otherwise).
    std::size_t max_request_bytes = 8192;
    // gorilla's CheckOrigin default: refuse a browser request from another origin (403).
    bool check_same_origin = true;
    // Trace mode (websocket/trace.hpp): the upgrade request's head, how Sec-WebSocket-Accept
    // follows from the key, the 101 or the refusal. Frames are traced by each route's
    // EventOptions::trace. Starts as standard error when WIRE_TRACE is set; empty: off.
    http::TraceSink trace = http::default_trace_sink();
};

class WebSocketServer {
  public:
    explicit WebSocketServer(ServerOptions options = {});
    ~WebSocketServer();  // stops the loops, closes everything
    WebSocketServer(const WebSocketServer&) = delete;
    WebSocketServer& operator=(const WebSocketServer&) = delete;

    // Before listen(): requests whose path (without query) is exactly `path` are upgraded and
    // run with `endpoint`. Other paths get 404.
    void route(std::string path, Endpoint endpoint);
    // Before start(): binds `address` ("127.0.0.1:0" picks a port) for every loop. The error
    // names the address: "listen 127.0.0.1:8080: address already in use".
    std::error_code listen(std::string_view address);
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

    // Before start(), from the main thread: SIGINT/SIGTERM start shutdown(drain).
    std::error_code shutdown_on_signals(std::chrono::steady_clock::duration drain);

    void start();
    void wait();  // until the loops stop (after shutdown() or stop())
    void run() {
        start();
        wait();
    }
    // Any thread: stop accepting, close every connection with 1001 (RFC 6455 §7.4.1), give them
    // `drain` to finish, then stop the loops.
    void shutdown(std::chrono::steady_clock::duration drain);
    void stop();  // any thread: stop the loops now

    Engine& engine() noexcept { return *engine_; }
    Hub& hub() noexcept { return engine_->hub(); }
    net::LoopGroup& loops() noexcept { return group_; }

    [[nodiscard]] const ServerOptions& options() const noexcept { return options_; }
    // The Endpoint for `path`, or nullptr.
    [[nodiscard]] const Endpoint* route_for(std::string_view path) const;

    struct Acceptor;  // internal, per loop (ws_server.cpp)

  private:
    ServerOptions options_;
    net::LoopGroup group_;
    std::unique_ptr<Engine> engine_;
    std::map<std::string, std::unique_ptr<Endpoint>, std::less<>> routes_;
    std::vector<std::unique_ptr<Acceptor>> acceptors_;
    std::uint16_t port_ = 0;
};

}  // namespace wire::websocket
