// WebSocket routes on the HTTP server: connections upgraded by a ServeMux route stay on the
// server's event loops as LoopConns (no hijack, no thread).
// wire:glue
//
//     wire::http::ServeMux mux;
//     wire::websocket::Engine engine;          // after the Server: destroyed before it
//     wire::websocket::Endpoint chat{options, handlers};
//     wire::websocket::handle(mux, "/chat", engine, chat);
//     server.register_on_shutdown([&] { engine.shutdown(std::chrono::seconds(5)); });
//
// The handler checks the upgrade request (RFC 6455 §4.2.1), asks the Engine for admission (503
// when over its limits), answers 101 and hands the socket to the Engine on the same loop through
// ResponseWriter::upgrade_on_loop. The server must run handlers on its loops (worker_threads = 0);
// otherwise the route answers 500. The Engine and the Endpoint must outlive the connections:
// close the server (its loops stopped) before destroying them.
#pragma once

#include <string_view>

#include "http/handler.hpp"
#include "http/serve_mux.hpp"
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

}  // namespace wire::websocket
