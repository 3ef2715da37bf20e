// simple_echo_server: seed 000 §5.1.3, the shortest WebSocket echo server: upgrade, then read a
// message and write it back until the connection ends.
//
//   build/examples/simple_echo_server [--port N]     ws://127.0.0.1:8080/socket
//   build/examples/simple_echo_client                (its partner, seed 000 §5.1.3)
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "example_flags.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"
#include "session_group.hpp"
#include "websocket/conn.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

int main(int argc, char** argv) {
    example::SessionGroup sessions;  // a thread per connection: the handler must not block
    ws::Upgrader upgrade;
    upgrade.read_buffer_size = 1024;
    upgrade.write_buffer_size = 1024;
    upgrade.check_origin = [](const ws::UpgradeRequest&) { return true; };

    http::handle_func("/socket", [&](http::ResponseWriter& w, http::Request& r) {
        // 1. Upgrade the protocol; the long-lived connection is ours from here on.
        auto conn = upgrade.upgrade(w, r);
        if (!conn) {
            std::printf("Error during connection upgrade: %s\n", conn.error().message().c_str());
            return;
        }
        auto c = std::make_shared<ws::Conn>(std::move(*conn));
        sessions.go(
            [c] {
                for (;;) {
                    // 2. Read the client's message.
                    auto msg = c->read_message();
                    if (!msg) return;
                    std::printf("Receive message:%.*s\n", static_cast<int>(msg->data.size()),
                                reinterpret_cast<const char*>(msg->data.data()));
                    std::fflush(stdout);
                    // 3. Send it back, same type (text or binary).
                    if (!c->write_message(msg->type, msg->data)) return;
                }
            },
            [c] { c->abort(); });
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
    std::fprintf(stderr, "simple_echo_server: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
