// The demo's WebSocket routes (ROUTES.md): /echo, /chat, /socket/system/message with
// POST /api/tool/send_message, /tail, and the seed pages' /seed/001/ws and /seed/002/stream.
//
// Most routes upgrade in their handler (on the event loop) and hand the connection to a thread
// of its own (SessionGroup), the way the seeds' goroutines own theirs; the push goes through a
// Room of channel-style Connections (seed 001), so a slow tab never stalls the others. The chat
// shows the other model: websocket::handle keeps its connections on the server's event loops
// (LoopConn, no thread each) and the Engine's Hub broadcasts, encoding each message once.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "../connection.hpp"
#include "../tail_session.hpp"
#include "cluster.hpp"
#include "demo.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/values.hpp"
#include "websocket/close.hpp"
#include "websocket/conn.hpp"
#include "websocket/hub.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

namespace demo {

namespace http = wire::http;
namespace ws = wire::websocket;
using example::Connection;
using namespace std::chrono_literals;

namespace {

// Upgrades and runs `body` on a session thread; a shutdown closes the connection with 1001.
template <class Body>
void run_conn(Live& live, http::ResponseWriter& w, http::Request& r, Body body) {
    auto c = live.upgrader.upgrade(w, r);
    if (!c) return;  // the Upgrader has answered with an HTTP error
    if (live.on_upgrade) live.on_upgrade(r);
    auto conn = std::make_shared<ws::Conn>(std::move(*c));
    live.sessions.go([conn, body] { body(*conn); },
                     [conn] { (void)conn->close(ws::close_code::going_away, {}, 300ms); });
}

// The same with a channel-style Connection in `room` (or none) for the session's lifetime.
template <class Body>
void run_connection(Live& live, example::Room* room, http::ResponseWriter& w, http::Request& r,
                    Body body) {
    auto c = live.upgrader.upgrade(w, r);
    if (!c) return;
    if (live.on_upgrade) live.on_upgrade(r);
    auto conn = std::make_shared<Connection>(std::move(*c));
    if (room != nullptr) room->join(conn);
    live.sessions.go(
        [conn, room, body] {
            body(*conn);
            if (room != nullptr) room->leave(conn.get());
            conn->close();
        },
        [conn] { conn->close_with(ws::close_code::going_away, 300ms); });
}

void echo(ws::Conn& conn) {
    for (;;) {
        auto msg = conn.read_message();
        if (!msg || !conn.write_message(msg->type, msg->data)) return;
    }
}

void seed001(Connection& conn) {
    std::thread heartbeat([&conn] {
        while (conn.write_message("heartbeat")) {
            if (conn.wait_closed_for(1s)) return;
        }
    });
    for (;;) {
        auto data = conn.read_message();
        if (!data || !conn.write_message(std::move(*data))) break;
    }
    conn.close();
    heartbeat.join();
}

void seed002(ws::Conn& conn) {
    for (int i = 1; i <= 100; ++i) {
        if (!conn.write_message(ws::Opcode::text, "message " + std::to_string(i) + " of 100")) {
            return;
        }
        std::this_thread::sleep_for(20ms);  // slow enough to watch the page fill
    }
    (void)conn.close(ws::close_code::normal, "that was all", 1s);
}

// POST /api/tool/send_message: form field `message` to every /socket/system/message page.
void send_message(Live& live, http::ResponseWriter& w, http::Request& r) {
    const std::string_view message = r.post_form_value("message");  // Go's r.PostFormValue
    if (r.form_error() || message.empty()) {
        http::error(w, "the form field `message` is missing or empty", 400);
        return;
    }
    const std::size_t n = live.push.broadcast(std::string(message));
    if (live.cluster != nullptr) live.cluster->publish_push(std::string(message));
    w.header().set("Content-Type", "application/json");
    (void)w.write("{\"delivered\": " + std::to_string(n) + "}\n");
}

}  // namespace

void add_sockets(http::ServeMux& mux, Live& live) {
    Live* l = &live;
    // permessage-deflate (RFC 7692, docs/websocket-compression.md) when the browser offers it,
    // as every browser does: WIRE_TRACE=1 shows each compressed frame and its sizes.
    l->upgrader.enable_compression = true;
    l->chat.options.enable_compression = true;
    mux.handle_func("GET /echo",
                    [l](http::ResponseWriter& w, http::Request& r) { run_conn(*l, w, r, echo); });
    // Every tab subscribes to one topic; each message goes to all of them, the sender included.
    // In a cluster, a tab first hears which instance it is on ("instance NAME"), then the chat.
    l->chat.handlers.on_open = [l](ws::LoopConn& c) {
        if (!l->instance.empty()) (void)c.send_text("instance " + l->instance);
        c.subscribe("chat");
    };
    l->chat.handlers.on_message = [l](ws::LoopConn&, const ws::LoopMessage& m) {
        l->engine.hub().publish("chat", m.opcode, m.payload);
    };
    ws::handle(mux, "GET /chat", l->engine, l->chat);
    mux.handle_func("GET /socket/system/message", [l](http::ResponseWriter& w, http::Request& r) {
        run_connection(*l, &l->push, w, r, [](Connection& conn) {
            while (conn.read_message()) {
            }  // pages only listen
        });
    });
    mux.handle_func("POST /api/tool/send_message",
                    [l](http::ResponseWriter& w, http::Request& r) { send_message(*l, w, r); });
    mux.handle_func("GET /api/instance", [l](http::ResponseWriter& w, http::Request&) {
        w.header().set("Content-Type", "application/json");
        (void)w.write("{\"instance\": \"" + l->instance + "\"}\n");
    });
    mux.handle_func("GET /tail", [l](http::ResponseWriter& w, http::Request& r) {
        run_conn(*l, w, r, [file = l->tail_file](ws::Conn& conn) { example::tail_to(conn, file); });
    });
    mux.handle_func("GET /seed/001/ws", [l](http::ResponseWriter& w, http::Request& r) {
        run_connection(*l, nullptr, w, r, seed001);
    });
    mux.handle_func("GET /seed/002/stream", [l](http::ResponseWriter& w, http::Request& r) {
        run_conn(*l, w, r, seed002);
    });
}

}  // namespace demo
