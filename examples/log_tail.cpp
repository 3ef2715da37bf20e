// log_tail: seed 002's stated purpose, a log file shown in the browser in real time. The page at
// / opens ws://HOST/tail; the server sends every line appended to the file, and keeps following
// it when it is truncated or rotated (tail -F; examples/log_follower.hpp says how).
//
//   build/examples/log_tail --file /var/log/syslog [--port N]
//   echo "a new line" >> /var/log/syslog          -> appears in every open page
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "example_flags.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"
#include "session_group.hpp"
#include "tail_session.hpp"
#include "websocket/conn.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

namespace {

// The page: each message is one or more lines; a closed connection is retried every 2 s.
constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>log tail</title></head>
<body>
<p id="state">connecting</p>
<pre id="log" style="height: 85vh; overflow: auto"></pre>
<script>
function connect() {
    var log = document.getElementById("log"), state = document.getElementById("state");
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/tail");
    ws.onopen = function () { state.textContent = "following"; };
    ws.onmessage = function (evt) {
        log.textContent += evt.data + "\n";
        log.scrollTop = log.scrollHeight;
    };
    ws.onclose = function (evt) {
        state.textContent = "disconnected (" + evt.code + "), retrying";
        setTimeout(connect, 2000);
    };
}
connect();
</script>
</body>
</html>
)html";

}  // namespace

int main(int argc, char** argv) {
    const std::string file = example::flag(argc, argv, "--file", "");
    if (file.empty()) {
        std::fprintf(stderr, "usage: log_tail --file PATH [--port N]\n");
        return 2;
    }
    example::SessionGroup sessions;
    ws::Upgrader upgrader;

    http::handle_func("GET /tail", [&](http::ResponseWriter& w, http::Request& r) {
        auto c = upgrader.upgrade(w, r);
        if (!c) return;
        auto conn = std::make_shared<ws::Conn>(std::move(*c));
        sessions.go([conn, file] { example::tail_to(*conn, file); }, [conn] { conn->abort(); });
    });
    http::handle_func("GET /{$}", [](http::ResponseWriter& w, http::Request&) {
        w.header().set("Content-Type", "text/html; charset=utf-8");
        (void)w.write(kPage);
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
    std::fprintf(stderr, "log_tail: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
