// xnet_echo: seed 004's golang.org/x/net/websocket echo server, in that package's shape:
//
//   func Echo(ws *websocket.Conn) { for { websocket.Message.Receive(ws, &reply) ...
//                                         websocket.Message.Send(ws, "Received: " + reply) } }
//   http.Handle("/", websocket.Handler(Echo)); http.ListenAndServe(":1234", nil)
//
//   build/examples/xnet_echo [--port N]        ws://127.0.0.1:1234/
//
// x/net/websocket is the older, smaller API: a Handler is just a function of the connection, and
// a codec (Message for strings) reads or writes one whole message. The namespace xws below is a
// thin adapter over wire's Conn and Upgrader that gives it that shape; each connection runs on a
// thread of its own, like the goroutine net/http gives each request.
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "example_flags.hpp"
#include "http/handler.hpp"
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

namespace xws {

using Conn = wire::websocket::Conn;

// websocket.Message: the codec for text messages as strings.
struct Message {
    // One whole message into `out` (a binary message arrives as its bytes).
    static std::error_code receive(Conn& ws, std::string& out) {
        auto msg = ws.read_message();
        if (!msg) return msg.error();
        out.assign(msg->text());
        return {};
    }
    static std::error_code send(Conn& ws, std::string_view text) {
        return ws.write_message(wire::websocket::Opcode::text, text).error();
    }
};

// websocket.Handler: serves WebSocket requests with `fn`, which owns the connection until it
// returns (then the connection is closed, as x/net/websocket does).
inline http::HandlerPtr Handler(std::function<void(Conn&)> fn, example::SessionGroup& sessions) {
    auto upgrader = std::make_shared<wire::websocket::Upgrader>();
    return http::handler_func(
        [fn = std::move(fn), upgrader, &sessions](http::ResponseWriter& w, http::Request& r) {
            auto conn = upgrader->upgrade(w, r);
            if (!conn) return;  // the Upgrader answered 400/403/426 already
            auto ws = std::make_shared<Conn>(std::move(*conn));
            sessions.go(
                [fn, ws] {
                    fn(*ws);
                    (void)ws->close();
                },
                [ws] { ws->abort(); });
        });
}

}  // namespace xws

namespace {

void echo(xws::Conn& ws) {
    for (;;) {
        std::string reply;
        if (xws::Message::receive(ws, reply)) {
            std::puts("Can't receive");
            break;
        }
        std::printf("Received back from client: %s\n", reply.c_str());
        const std::string msg = "Received: " + reply;
        std::printf("Sending to client: %s\n", msg.c_str());
        std::fflush(stdout);
        if (xws::Message::send(ws, msg)) {
            std::puts("Can't send");
            break;
        }
    }
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    example::SessionGroup sessions;
    http::handle("/", xws::Handler(echo, sessions));

    http::Server server;
    server.addr = example::listen_address(argc, argv, "1234");
    server.register_on_shutdown([&sessions] { sessions.stop_all(); });
    server.shutdown_on_signals(std::chrono::seconds(1));
    auto result = server.listen_and_serve();
    sessions.wait();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "xnet_echo: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
