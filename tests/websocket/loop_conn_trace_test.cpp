// Trace mode on the event-driven side: a websocket::handle route on the http::Server (the
// server traces the heads, the route the accept derivation, the LoopConn every frame), hub
// broadcasts, and the standalone WebSocketServer's own handshake.
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/support/trace_lines.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/dialer.hpp"
#include "websocket/hub.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"
#include "websocket/trace.hpp"
#include "websocket/ws_server.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::test::TraceLines;

namespace {

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("trace: a route on the server's loops, one echo and one broadcast") {
    TraceLines lines;
    auto mux = std::make_shared<http::ServeMux>();
    http::Server server;
    server.addr = "127.0.0.1:0";
    server.log = [](std::string_view) {};
    server.handler = mux;
    server.trace = lines.sink();
    Engine engine;
    Endpoint echo;
    echo.options.trace = lines.sink();
    echo.handlers.on_open = [](LoopConn& c) { c.subscribe("news"); };
    echo.handlers.on_message = [&engine](LoopConn& c, const LoopMessage& m) {
        if (m.text() == "broadcast") {
            engine.hub().publish("news", "to all");
        } else {
            (void)c.send(m.opcode, m.payload);
        }
    };
    handle(*mux, "/echo", engine, echo);
    websocket::test::Running running(server);
    Dialer dialer;
    dialer.trace = {};
    auto conn = dialer.dial("ws://127.0.0.1:" + std::to_string(server.address().port()) + "/echo");
    REQUIRE(conn);
    REQUIRE(conn->write_message(Opcode::binary, std::string("\x01\x02\x03", 3)));
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->data.size() == 3);
    REQUIRE(conn->write_message(Opcode::text, "broadcast"));
    m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "to all");
    CHECK_FALSE(conn->close(close_code::going_away, "", 2s));

    // The handshake: the server's request and 101 heads, the route's derivation between them.
    CHECK(lines.count("http recv | GET /echo HTTP/1.1") == 1);
    CHECK(lines.count("ws send | accept 1/3: key + GUID") == 1);
    CHECK(lines.index("ws send | accept 3/3") <
          lines.index("http send | HTTP/1.1 101 Switching Protocols"));
    // (the ResponseWriter's Header writes field names in Go's canonical form)
    CHECK(lines.count("http send | Sec-Websocket-Accept: ") == 1);
    // Frames in (masked, binary shown in hex) and out (unmasked), the broadcast included.
    const std::string bin_in = lines.first("ws recv | FIN=1 RSV=000 op=0x2 binary");
    CHECK(contains(bin_in, "MASK=1 key="));
    CHECK(contains(bin_in, "len=3 (7-bit)"));
    CHECK(contains(bin_in, "01 02 03"));
    const std::string bin_out = lines.first("ws send | FIN=1 RSV=000 op=0x2 binary");
    CHECK(contains(bin_out, "MASK=0"));
    CHECK(contains(bin_out, "01 02 03"));
    CHECK(contains(lines.first("ws recv | FIN=1 RSV=000 op=0x1 text"), "\"broadcast\""));
    const std::string published = lines.first("ws send | FIN=1 RSV=000 op=0x1 text");
    CHECK(contains(published, "MASK=0"));
    CHECK(contains(published, "len=6 (7-bit)"));
    CHECK(contains(published, "\"to all\""));
    REQUIRE(lines.wait_for("ws send | FIN=1 RSV=000 op=0x8 close"));
    CHECK(contains(lines.first("ws recv | FIN=1 RSV=000 op=0x8 close"), "code=1001"));
}

TEST_CASE("trace: the standalone WebSocketServer traces its handshake; endpoints their frames") {
    TraceLines lines;
    ServerOptions options;
    options.loops = 1;
    options.trace = lines.sink();
    WebSocketServer server(options);
    Endpoint echo;
    echo.options.trace = lines.sink();
    echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    server.route("/", echo);
    REQUIRE_FALSE(server.listen("127.0.0.1:0"));
    server.start();
    Dialer dialer;
    dialer.trace = {};
    auto conn = dialer.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/");
    REQUIRE(conn);
    REQUIRE(conn->write_message(Opcode::text, "hi"));
    REQUIRE(conn->read_message());
    CHECK_FALSE(conn->close(close_code::normal, "", 2s));
    auto refused = dialer.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/nowhere");
    CHECK_FALSE(refused);
    server.shutdown(100ms);
    server.wait();
    CHECK(lines.count("http recv | GET / HTTP/1.1") == 1);
    CHECK(lines.count("ws send | accept 3/3: Base64 = ") == 1);
    CHECK(lines.count("http send | HTTP/1.1 101 Switching Protocols") == 1);
    CHECK(lines.count("http recv | GET /nowhere HTTP/1.1") == 1);
    CHECK(lines.count("http send | HTTP/1.1 404 Not Found") == 1);
    CHECK(contains(lines.first("ws recv | FIN=1 RSV=000 op=0x1 text"), "\"hi\""));
    CHECK(contains(lines.first("ws send | FIN=1 RSV=000 op=0x1 text"), "\"hi\""));
}
