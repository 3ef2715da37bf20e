// websocket::handle: a WebSocket route on the HTTP server's ServeMux whose connections stay on
// the server's loops, beside ordinary HTTP routes.
#include "websocket/route.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "tests/websocket/event_client.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {}  // namespace

TEST_CASE("websocket::handle: an echo route on the HTTP server's loops, beside HTTP routes") {
    auto mux = std::make_shared<http::ServeMux>();
    http::Server server;
    server.addr = "127.0.0.1:0";
    server.loops = 2;
    server.log = [](std::string_view) {};
    server.handler = mux;
    Engine engine;
    Endpoint echo;
    std::atomic<int> opened{0};
    echo.handlers.on_open = [&](LoopConn&) { opened.fetch_add(1); };
    echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    handle(*mux, "/echo", engine, echo);
    mux->handle_func("GET /hello",
                     [](http::ResponseWriter& w, http::Request&) { (void)w.write("hello\n"); });
    websocket::test::Running running(server);
    const std::uint16_t port = server.address().port();

    std::vector<Client> clients;
    for (int i = 0; i < 50; ++i)
        clients.push_back(Client::connect(port, "/echo"));
    for (int i = 0; i < 50; ++i) {
        REQUIRE(clients[static_cast<std::size_t>(i)].send(Opcode::text, "m" + std::to_string(i)));
    }
    int ok = 0;
    for (int i = 0; i < 50; ++i)
        ok += clients[static_cast<std::size_t>(i)].read_message() == "m" + std::to_string(i);
    CHECK(ok == 50);
    CHECK(opened.load() == 50);
    CHECK(engine.stats().connections == 50);
    CHECK(engine.loop_count() >= 1);

    // Frames sent right behind the request reach the LoopConn (the server's already_read).
    Client early = Client::open(port, "/echo");
    REQUIRE(early.send(Opcode::binary, "early"));
    CHECK(early.read_response() == "HTTP/1.1 101 Switching Protocols");
    CHECK(early.read_message() == "early");

    // A plain request on the same server is still HTTP.
    Client http_client = Client::open(port, "/hello");  // an upgrade request to a non-WS route
    CHECK(http_client.read_response().rfind("HTTP/1.1 200", 0) == 0);

    // A bad handshake is answered by the route, not upgraded.
    Client bad = Client::open(port, "/echo", "", "bad-key");
    CHECK(bad.read_response().rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("websocket::handle: over the Engine's admission limit the route answers 503") {
    auto mux = std::make_shared<http::ServeMux>();
    http::Server server;
    server.addr = "127.0.0.1:0";
    server.log = [](std::string_view) {};
    server.handler = mux;
    Admission admission;
    admission.max_connections = 1;
    Engine engine(admission);
    Endpoint echo;
    handle(*mux, "/ws", engine, echo);
    websocket::test::Running running(server);
    Client first = Client::connect(server.address().port(), "/ws");
    Client second = Client::open(server.address().port(), "/ws");
    CHECK(second.read_response().rfind("HTTP/1.1 503", 0) == 0);
    CHECK(engine.stats().refused == 1);
}
