// channel_echo: seed 001's main.go, an echo server built on the channel-style Connection
// wrapper (examples/connection.hpp), with a heartbeat message every second.
//
//   build/examples/channel_echo [--port N]       then open http://127.0.0.1:8080/
//
// GET / serves seed 001's client.html (Open / Send / Close), rendered with this server's
// ws:// URL; ws://127.0.0.1:8080/ws is the WebSocket. What each connection runs:
//   - the Connection's read loop and write loop threads (inChan and outChan behind them);
//   - a heartbeat: write_message("heartbeat") every second until the connection closes;
//   - the handler's loop: read_message(), write_message() back, until an error; then close().
// Any of them may close the Connection: Close is idempotent and thread-safe, the point of the seed.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "connection.hpp"
#include "example_flags.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"
#include "session_group.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;
namespace fs = std::filesystem;
using example::Connection;

namespace {

// The page lives with the demo's pages (examples/demo/www/seed/001/client.html); look for it
// beside the binary (build/examples/ -> the repository) and under the current directory.
std::string load_client_html() {
    const std::string rel = "examples/demo/www/seed/001/client.html";
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    for (const fs::path& root : {exe.parent_path() / ".." / "..", fs::current_path(ec)}) {
        std::ifstream in(root / rel);
        if (in) return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
    return "<p>client.html not found; run from the repository.</p>";
}

// The handler's part of the connection: echo everything, with a heartbeat beside it.
void serve_connection(const std::shared_ptr<Connection>& conn) {
    std::thread heartbeat([conn] {
        while (conn->write_message("heartbeat")) {
            if (conn->wait_closed_for(std::chrono::seconds(1))) return;
        }
    });
    for (;;) {
        auto data = conn->read_message();
        if (!data) break;
        if (!conn->write_message(std::move(*data))) break;
    }
    conn->close();
    heartbeat.join();
}

}  // namespace

int main(int argc, char** argv) {
    example::SessionGroup sessions;
    ws::Upgrader upgrade;
    upgrade.check_origin = [](const ws::UpgradeRequest&) { return true; };  // allow cross-origin

    http::handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
        auto ws_conn = upgrade.upgrade(w, r);  // adds Upgrade: websocket to the answer
        if (!ws_conn) return;
        auto conn = std::make_shared<Connection>(std::move(*ws_conn));  // InitConnection
        sessions.go([conn] { serve_connection(conn); }, [conn] { conn->close(); });
    });
    const std::string page = load_client_html();
    http::handle_func("GET /{$}", [&page](http::ResponseWriter& w, http::Request& r) {
        std::string body = page;
        const std::string marker = "{{ws_url}}";
        if (const auto at = body.find(marker); at != std::string::npos)
            body.replace(at, marker.size(), "ws://" + std::string(r.host) + "/ws");
        w.header().set("Content-Type", "text/html; charset=utf-8");
        (void)w.write(body);
    });

    http::Server server;
    server.addr = example::listen_address(argc, argv);
    server.register_on_shutdown([&sessions] { sessions.stop_all(); });
    server.shutdown_on_signals(std::chrono::seconds(1));
    auto result = server.listen_and_serve();
    sessions.wait();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "channel_echo: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
