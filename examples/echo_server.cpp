// echo_server: seed 000 §5.1.1, the gorilla-style echo server with its close handler.
//
//   build/examples/echo_server [--port N]        ws://127.0.0.1:8080/socket echoes; / is a page
//   build/examples/echo_client                   (seed 000 §5.1.2) talks to it
//
// gorilla runs each handler in its own goroutine and the handler loops on ReadMessage. wire's
// handlers run on the event loop and must return, so the handler upgrades the connection and
// hands the blocking read/write loop to a thread of its own (SessionGroup::go), which is the
// goroutine. Ctrl-C: the server stops taking requests and every session is closed with 1001.
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
#include "websocket/close.hpp"
#include "websocket/conn.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

namespace {

void log_line(const std::string& text) {
    std::fprintf(stdout, "%s\n", text.c_str());
    std::fflush(stdout);
}

// The loop the Go handler runs after Upgrade: read a message, log it, write it back.
void echo_loop(ws::Conn& conn) {
    // The seed sets its close handler inside the loop, before every write; once is enough.
    // A custom close handler replaces the default one, and the default is what answers the
    // peer's close frame (RFC 6455 §5.5.1). The seed's handler only prints, so its clients never
    // get that answer; this one prints and then answers with the same code.
    conn.set_close_handler([&conn](std::uint16_t code, std::string_view text) {
        log_line("close handler: " + std::to_string(code) + " " + std::string(text));
        const auto deadline = ws::Clock::now() + std::chrono::seconds(1);
        (void)conn.write_control(ws::Opcode::close, ws::format_close_message(code, ""), deadline);
        return std::error_code{};
    });
    for (;;) {
        auto msg = conn.read_message();
        if (!msg) {
            log_line("Error during message reading: " + msg.error().message());
            break;
        }
        log_line("Received: " + std::string(msg->text()));
        if (auto w = conn.write_message(msg->type, msg->data); !w) {
            log_line("Error during message writing: " + w.error().message());
            break;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    example::SessionGroup sessions;
    ws::Upgrader upgrader;
    upgrader.read_buffer_size = 4096;
    upgrader.write_buffer_size = 1024;
    // The seed accepts every origin. The safe default (a browser page from another site may
    // not connect) is what you want in a real server.
    upgrader.check_origin = [](const ws::UpgradeRequest&) { return true; };

    http::handle_func("/socket", [&](http::ResponseWriter& w, http::Request& r) {
        auto conn = upgrader.upgrade(w, r);
        if (!conn) {  // the Upgrader has already answered the client with an HTTP error
            log_line("Error during connection upgrade: " + conn.error().message());
            return;
        }
        auto shared = std::make_shared<ws::Conn>(std::move(*conn));
        sessions.go([shared] { echo_loop(*shared); },
                    [shared] {
                        (void)shared->close(ws::close_code::going_away, "server stopping",
                                            std::chrono::milliseconds(500));
                    });
    });
    http::handle_func("/",
                      [](http::ResponseWriter& w, http::Request&) { (void)w.write("Index Page"); });

    http::Server server;
    server.addr = example::listen_address(argc, argv);
    server.register_on_shutdown([&sessions] { sessions.stop_all(); });
    server.shutdown_on_signals(std::chrono::seconds(2));
    auto result = server.listen_and_serve();
    sessions.wait();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "echo_server: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
