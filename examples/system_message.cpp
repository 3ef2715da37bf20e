// system_message: seed 003, system messages pushed to every connected browser.
//
//   build/examples/system_message [--port N]        then open http://127.0.0.1:8080/ in tabs
//   curl -d 'message=maintenance at 18:00' http://127.0.0.1:8080/api/tool/send_message
//
// Two routes, as in the go-gin-api project the seed describes:
//   ws://HOST/socket/system/message    browsers listen here (what they send is ignored)
//   POST /api/tool/send_message         form field `message`: sent to every listener
// Each listener is a channel-style Connection (seed 001) in a Room; the POST handler queues the
// message for each of them and answers at once, whatever the browsers' speed.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "connection.hpp"
#include "example_flags.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "http/values.hpp"
#include "net/error.hpp"
#include "room.hpp"
#include "session_group.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

namespace {

constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>system messages</title></head>
<body>
<form id="send"><input id="message" value="Hello, everyone"> <button>Send</button> <span id="status"></span></form>
<p id="state">connecting</p>
<ul id="messages"></ul>
<script>
document.getElementById("send").onsubmit = function (e) {
    e.preventDefault();
    fetch("/api/tool/send_message", {method: "POST",
        body: new URLSearchParams({message: document.getElementById("message").value})})
        .then(function (r) { return r.text(); })
        .then(function (t) { document.getElementById("status").textContent = t; });
};
function connect() {
    var ws = new WebSocket("ws://" + location.host + "/socket/system/message");
    ws.onopen = function () { document.getElementById("state").textContent = "listening"; };
    ws.onmessage = function (evt) {
        var li = document.createElement("li");
        li.textContent = evt.data;
        document.getElementById("messages").appendChild(li);
    };
    ws.onclose = function (evt) {
        document.getElementById("state").textContent = "disconnected (" + evt.code + "), retrying";
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
    example::SessionGroup sessions;
    example::Room listeners;
    ws::Upgrader upgrader;

    http::handle_func("GET /socket/system/message", [&](http::ResponseWriter& w, http::Request& r) {
        auto c = upgrader.upgrade(w, r);
        if (!c) return;
        auto conn = std::make_shared<example::Connection>(std::move(*c));
        listeners.join(conn);
        sessions.go(
            [conn, &listeners] {
                while (conn->read_message()) {
                }  // browsers only listen; this ends when they leave
                listeners.leave(conn.get());
            },
            [conn] { conn->close(); });
    });

    http::handle_func(
        "POST /api/tool/send_message", [&](http::ResponseWriter& w, http::Request& r) {
            // The form arrives as application/x-www-form-urlencoded (Go's r.PostFormValue).
            const std::string_view message = r.post_form_value("message");
            if (r.form_error() || message.empty()) {
                http::error(w, "the form field `message` is missing or empty", 400);
                return;
            }
            const std::size_t delivered = listeners.broadcast(std::string(message));
            (void)w.write("sent to " + std::to_string(delivered) + " connection(s)\n");
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
    std::fprintf(stderr, "system_message: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
