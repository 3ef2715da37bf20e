// websocket::handle: a WebSocket route on the HTTP server's ServeMux whose connections stay on
// the server's loops, beside ordinary HTTP routes.
#include "websocket/route.hpp"

#include <doctest/doctest.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "tests/websocket/event_client.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {

// A server with an echo route whose Engine is shut down with it (shutdown_with).
struct ShutdownFixture {
    std::shared_ptr<http::ServeMux> mux = std::make_shared<http::ServeMux>();
    http::Server server;
    Engine engine;
    Endpoint echo;
    std::atomic<int> closed{0};
    ShutdownFixture() {
        server.addr = "127.0.0.1:0";
        server.loops = 2;
        server.log = [](std::string_view) {};
        server.handler = mux;
        echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        echo.handlers.on_close = [this](LoopConn&, std::uint16_t, std::string_view) {
            closed.fetch_add(1);
        };
        handle(*mux, "/ws", engine, echo);
        shutdown_with(server, engine, 5s);
    }
};

// Every client reads a close frame with 1001 while `stopping` is still waiting for them,
// answers it (RFC 6455 §5.5.1) and then sees the server close TCP.
template <typename Future>
void finish_closing_handshakes(std::vector<Client>& clients, Future& stopping) {
    int going_away = 0;
    for (auto& c : clients) {
        const auto f = c.read_frame();
        going_away += f && f->opcode == Opcode::close && f->close_code() == close_code::going_away;
    }
    CHECK(going_away == static_cast<int>(clients.size()));
    // The server holds its loops for the handshakes: no HTTP connection is left, yet it waits.
    CHECK(stopping.wait_for(100ms) == std::future_status::timeout);
    int eof = 0;
    for (auto& c : clients) {
        REQUIRE(c.send_close(close_code::going_away));
        eof += c.wait_eof();
    }
    CHECK(eof == static_cast<int>(clients.size()));
}

}  // namespace

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

TEST_CASE("shutdown_with: server.shutdown() sends 1001 to every WebSocket and waits for them") {
    ShutdownFixture f;
    websocket::test::Running running(f.server);
    std::vector<Client> clients;
    for (int i = 0; i < 20; ++i)
        clients.push_back(Client::connect(f.server.address().port(), "/ws"));
    REQUIRE(clients.back().send(Opcode::text, "up"));  // the last one is adopted too
    REQUIRE(clients.back().read_message() == "up");

    const auto start = std::chrono::steady_clock::now();
    auto stopping = std::async(std::launch::async, [&] { return f.server.shutdown(5s); });
    finish_closing_handshakes(clients, stopping);
    CHECK(stopping.get());  // no timeout: the handshakes ended before the deadline
    CHECK(std::chrono::steady_clock::now() - start < 4s);
    CHECK(f.closed.load() == 20);
    CHECK(f.engine.stats().connections == 0);
    CHECK(f.engine.stats().closes(close_code::going_away) == 20);
}

TEST_CASE("shutdown_with: SIGTERM under shutdown_on_signals sends 1001 the same way") {
    // As in tests/net/loop_group_test.cpp: SIGTERM is blocked here (the server's threads block
    // it too) so that only the server's signalfd takes it; ignored as a safety net.
    auto old_action = ::signal(SIGTERM, SIG_IGN);
    sigset_t term, old_mask;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &term, &old_mask);
    {
        ShutdownFixture f;
        f.server.shutdown_on_signals(5s);
        REQUIRE(f.server.listen());
        auto serving = std::async(std::launch::async, [&] { return f.server.serve(); });
        struct Closer {  // should a check fail: serving's destructor waits for serve() to return
            http::Server& s;
            ~Closer() { s.close(); }
        } closer{f.server};
        std::vector<Client> clients;
        for (int i = 0; i < 5; ++i)
            clients.push_back(Client::connect(f.server.address().port(), "/ws"));
        REQUIRE(clients.back().send(Opcode::text, "up"));
        REQUIRE(clients.back().read_message() == "up");
        ::kill(::getpid(), SIGTERM);
        finish_closing_handshakes(clients, serving);
        REQUIRE(serving.wait_for(4s) == std::future_status::ready);
        CHECK(serving.get().error() == http::ServerError::server_closed);
        CHECK(f.closed.load() == 5);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::signal(SIGTERM, old_action);
}
