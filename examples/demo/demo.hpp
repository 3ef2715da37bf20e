// The demo server's parts (examples/demo/): each file registers its routes on the mux.
// examples/demo/ROUTES.md is the contract with the pages in www/.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "../room.hpp"
#include "../session_group.hpp"
#include "http/request.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "websocket/engine.hpp"
#include "websocket/event_handlers.hpp"
#include "websocket/upgrader.hpp"

namespace demo {

class Cluster;

// Where the demo's files are, found once at startup (paths.cpp).
struct Paths {
    std::filesystem::path www;         // examples/demo/www: the pages
    std::filesystem::path static_dir;  // examples/static: what /files/ serves
    std::filesystem::path tail_file;   // the log file /tail follows
};

// What the WebSocket routes share: their threads, the broadcast room, the upgrader, and the
// event-driven side the chat runs on.
struct Live {
    example::SessionGroup sessions;  // one thread per connection; stop_all() at shutdown
    example::Room push;              // /socket/system/message listeners
    wire::websocket::Upgrader upgrader;
    // /chat: connections that stay on the server's event loops (no thread each), subscribed to
    // one Hub topic; a message is encoded once and queued to every tab. Stopped by shutdown().
    wire::websocket::Engine engine;
    wire::websocket::Endpoint chat;
    std::filesystem::path tail_file;  // what /tail follows
    // Called for each successful upgrade: the server's access log does not see hijacked
    // requests, so the demo logs the 101 itself.
    std::function<void(const wire::http::Request&)> on_upgrade;
    // In a cluster (cluster.hpp): this instance's name, told to each chat tab in a first
    // message, and the backplanes that carry the chat and the push to the other instances.
    std::string instance;
    Cluster* cluster = nullptr;
};

// Looks for `relative` (e.g. "examples/demo/www") under $WIRE_DEMO_ROOT, beside the binary
// (build/examples/demo -> ../../), and under the current directory; empty when not found.
std::filesystem::path find_repo_dir(const std::string& relative);

// The whole file in `out`; false when it cannot be read.
bool read_file(const std::filesystem::path& path, std::string& out);

// frame.cpp: the demo's look (stylesheet, icon, a header linking home) for pages from elsewhere.
// `title` is HTML: escape text with append_escaped first.
void append_escaped(std::string& out, std::string_view text);
// A page's start, up to and including the header: "<!DOCTYPE html>...<body><header>...".
std::string page_start(std::string_view title);
// `page` (a whole HTML document) with the links added to its <head> and the header to its <body>.
std::string add_frame(std::string page, std::string_view title);

// pages.cpp: GET /, every file of www/ at its name, the seed pages rendered with their ws:// URL.
void add_pages(wire::http::ServeMux& mux, const Paths& paths);
// files.cpp: GET /files/... over paths.static_dir.
void add_files(wire::http::ServeMux& mux, const Paths& paths);
// inspect.cpp: /inspect, any method: the request as the server parsed it (seed 000).
void add_inspector(wire::http::ServeMux& mux);

// sockets.cpp: /echo, /chat, /socket/system/message + POST /api/tool/send_message, /tail,
// /seed/001/ws, /seed/002/stream.
void add_sockets(wire::http::ServeMux& mux, Live& live);

}  // namespace demo
