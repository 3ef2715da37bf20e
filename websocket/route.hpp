// WebSocket routes on the HTTP server: connections upgraded by a ServeMux route stay on the
// server's event loops as LoopConns (no hijack, no thread).
// wire:glue
//
//     wire::http::ServeMux mux;
//     wire::websocket::Engine engine;          // before or after the Server (engine.hpp)
//     wire::websocket::Endpoint chat{options, handlers};
//     wire::websocket::handle(mux, "/chat", engine, chat);
//     wire::websocket::shutdown_with(server, engine);  // server.shutdown() sends every one 1001
//
// The handler checks the upgrade request (RFC 6455 §4.2.1), asks the Engine for admission (503
// when over its limits), answers 101 and hands the socket to the Engine on the same loop through
// ResponseWriter::upgrade_on_loop. The server must run handlers on its loops (worker_threads = 0);
// otherwise the route answers 500. The Engine and the Endpoint must outlive the connections
// while the loops run; once they have stopped (serve() has returned), the Server, the Engine
// and the Endpoint may be destroyed in any order.
#pragma once

#include <chrono>
#include <string_view>

#include "http/handler.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "websocket/engine.hpp"
#include "websocket/event_handlers.hpp"

namespace wire::websocket {

struct RouteOptions {
    // gorilla's CheckOrigin default: refuse a browser request from another origin (403).
    bool check_same_origin = true;
};

// A Handler that upgrades to an event-driven connection of `engine` run with `endpoint`.
[[nodiscard]] http::HandlerPtr upgrade_handler(Engine& engine, const Endpoint& endpoint,
                                               RouteOptions options = {});

// mux.handle(pattern, upgrade_handler(...)). A pattern without a method accepts only what the
// handshake allows (GET); others get 405 from the handshake check.
void handle(http::ServeMux& mux, std::string_view pattern, Engine& engine, const Endpoint& endpoint,
            RouteOptions options = {});

// Shuts `engine` down with `server`: when the server shuts down (shutdown() or a signal from
// shutdown_on_signals), every connection gets a close frame with 1001 (going away, RFC 6455
// §7.4.1) and `drain` to finish its closing handshake, and the server's loops keep running
// until they all have, or until the server's shutdown deadline. It is
//     server.register_on_shutdown_wait([&](auto done) { engine.shutdown(drain, done); });
// A shutdown() of the Engine's own, before or after, joins the same one (engine.hpp).
void shutdown_with(http::Server& server, Engine& engine,
                   net::EventLoop::Duration drain = std::chrono::seconds(5));

}  // namespace wire::websocket
