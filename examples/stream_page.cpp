// stream_page: seed 002, a page rendered with the ws:// URL of the server that serves it, and a
// WebSocket endpoint that sends it a stream of messages.
//
//   build/examples/stream_page [--port N] [--count 100]     then open http://127.0.0.1:8080/
//
// GET / fills the page template with "ws://" + Host + "/echo" (Go's homeTemplate.Execute(w,
// "ws://"+r.Host+"/echo")), so the page connects back to whatever address the browser used.
// ws://HOST/echo sends --count text messages (the tutorial sends 100), then closes with 1000.
// The tutorial's stated goal, a log file shown live in the browser, is examples/log_tail.cpp.
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
#include "websocket/close.hpp"
#include "websocket/conn.hpp"
#include "websocket/upgrader.hpp"

namespace http = wire::http;
namespace ws = wire::websocket;

namespace {

// The seed's template, {{.}} spelled {{ws_url}}. textContent (not innerHTML) keeps whatever the
// server sends from being read as HTML.
constexpr std::string_view kHomeTemplate = R"html(<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>seed 002: a stream of messages</title></head>
<body>
<div id="output" style="height: 90vh; overflow: auto; font-family: monospace"></div>
<script>
window.addEventListener("load", function () {
    var output = document.getElementById("output");
    var print = function (message) {
        var d = document.createElement("div");
        d.textContent = message;
        output.appendChild(d);
        output.scroll(0, output.scrollHeight);
    };
    var ws = new WebSocket("{{ws_url}}");
    ws.onmessage = function (evt) { print(evt.data); };
    ws.onclose = function (evt) { print("CLOSE " + evt.code); };
    ws.onerror = function () { print("ERROR"); };
});
</script>
</body>
</html>
)html";

std::string render(std::string_view host) {
    std::string page(kHomeTemplate);
    const std::string marker = "{{ws_url}}";
    page.replace(page.find(marker), marker.size(), "ws://" + std::string(host) + "/echo");
    return page;
}

// What the seed's echo handler does after Upgrade: write `count` messages, then close.
void stream(ws::Conn& c, int count) {
    for (int i = 1; i <= count; ++i) {
        const std::string message = "message " + std::to_string(i) + " of " + std::to_string(count);
        if (auto w = c.write_message(ws::Opcode::text, message); !w) {
            std::printf("write: %s\n", w.error().message().c_str());
            return;
        }
    }
    (void)c.close(ws::close_code::normal, "that was all", std::chrono::seconds(1));
}

}  // namespace

int main(int argc, char** argv) {
    const int count = std::stoi(example::flag(argc, argv, "--count", "100"));
    example::SessionGroup sessions;
    ws::Upgrader upgrader;

    http::handle_func("/echo", [&](http::ResponseWriter& w, http::Request& r) {
        auto c = upgrader.upgrade(w, r);
        if (!c) {
            std::printf("upgrade: %s\n", c.error().message().c_str());
            return;
        }
        auto conn = std::make_shared<ws::Conn>(std::move(*c));
        sessions.go([conn, count] { stream(*conn, count); }, [conn] { conn->abort(); });
    });
    http::handle_func("GET /{$}", [](http::ResponseWriter& w, http::Request& r) {
        w.header().set("Content-Type", "text/html; charset=utf-8");
        (void)w.write(render(r.host));
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
    std::fprintf(stderr, "stream_page: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
