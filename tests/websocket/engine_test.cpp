// Engine: shutdown() called more than once, upgrades after it, and the Engine's lifetime against
// the loops it runs on (declared before or after the Server, destroyed with live connections).
#include "websocket/engine.hpp"

#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "net/loop_group.hpp"
#include "tests/net/helpers.hpp"
#include "tests/websocket/event_client.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/route.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {

// Waits up to 2 s for `done()`; true if it came.
template <typename Pred>
bool eventually(Pred done) {
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// Hands one end of a loopback pair to `engine` on `loop`; returns the other end.
net::Conn adopt_pair(Engine& engine, net::EventLoop& loop, const Endpoint& endpoint) {
    auto pair = net::test::conn_pair();
    net::Socket server = pair.second.release();
    std::promise<bool> adopted;
    loop.post(
        [&] { adopted.set_value(engine.adopt(loop, std::move(server), {}, endpoint) != nullptr); });
    REQUIRE(adopted.get_future().get());
    return std::move(pair.first);
}

// Reads the server's close frame (unmasked, RFC 6455 §5.1) and returns its code, or 0.
std::uint16_t read_close_code(net::Conn& client) {
    client.set_read_deadline(net::Conn::Clock::now() + 2s);
    std::uint8_t frame[64];
    auto n = client.read(frame, sizeof frame);
    if (!n || *n < 4 || frame[0] != 0x88) return 0;  // FIN, close (RFC 6455 §5.5.1)
    return static_cast<std::uint16_t>(frame[2] << 8 | frame[3]);
}

// Answers with a masked close frame, 1001 (RFC 6455 §5.5.1); a zero mask key leaves the payload
// as it is.
bool answer_close(net::Conn& client) {
    const std::uint8_t frame[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xE9};
    return client.write(frame, sizeof frame).has_value();
}

// An echo Endpoint that keeps the handle of the first connection it opens.
struct Echo {
    Endpoint endpoint;
    std::mutex mu;
    ConnHandle first;
    Echo() {
        endpoint.handlers.on_open = [this](LoopConn& c) {
            std::lock_guard lock(mu);
            if (!first) first = c.handle();
        };
        endpoint.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
    }
};

// `server` on two loops with the echo route on /echo.
void configure(http::Server& server, Engine& engine, const Endpoint& echo) {
    auto mux = std::make_shared<http::ServeMux>();
    handle(*mux, "/echo", engine, echo);
    server.addr = "127.0.0.1:0";
    server.loops = 2;
    server.log = [](std::string_view) {};
    server.handler = mux;
}

// `n` echo connections, each checked with one message.
std::vector<Client> open_echoes(std::uint16_t port, int n) {
    std::vector<Client> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(Client::connect(port, "/echo"));
    int echoed = 0;
    for (auto& c : clients)
        echoed += c.send(Opcode::text, "hi") && c.read_message() == "hi";
    CHECK(echoed == n);
    return clients;
}

int count_eof(std::vector<Client>& clients) {
    int eof = 0;
    for (auto& c : clients)
        eof += c.wait_eof();
    return eof;
}

}  // namespace

TEST_CASE("Engine: a connection adopted after shutdown() began gets its 1001 at once") {
    // The race it covers: an HTTP route sent the 101 just before shutdown() started, on a loop
    // the Engine had not seen yet, so shutdown() could not close it; the loop may then stop
    // within the same pass.
    net::LoopGroup group(1);
    group.start();
    Engine engine;  // discovers loops on adopt(): shutdown() below knows none
    Endpoint endpoint;
    engine.shutdown(1s);
    auto pair = net::test::conn_pair();
    net::Conn client = std::move(pair.first);
    net::Socket server = pair.second.release();
    std::promise<bool> adopted;
    group.loop(0).post([&] {
        adopted.set_value(engine.adopt(group.loop(0), std::move(server), {}, endpoint) != nullptr);
    });
    CHECK(adopted.get_future().get());
    group.stop();  // the bytes must already be out: nothing runs on the loop after this
    group.wait();
    CHECK(read_close_code(client) == 1001);  // going away (RFC 6455 §7.4.1)
}

TEST_CASE("Engine::shutdown called twice: each done runs once, when the one shutdown completes") {
    net::LoopGroup group(2);
    Engine engine(group);
    Endpoint endpoint;
    group.start();
    net::Conn a = adopt_pair(engine, group.loop(0), endpoint);
    net::Conn b = adopt_pair(engine, group.loop(1), endpoint);
    std::atomic<int> first{0};
    std::atomic<int> second{0};
    engine.shutdown(5s, [&] { first.fetch_add(1); });
    engine.shutdown(10ms, [&] { second.fetch_add(1); });  // joins the first: its drain is ignored
    CHECK(read_close_code(a) == 1001);
    CHECK(read_close_code(b) == 1001);
    // Neither is done while the closing handshakes are open.
    std::this_thread::sleep_for(50ms);
    CHECK(first.load() == 0);
    CHECK(second.load() == 0);
    REQUIRE(answer_close(a));
    REQUIRE(answer_close(b));
    CHECK(eventually([&] { return first.load() == 1 && second.load() == 1; }));
    group.stop();
    group.wait();
    CHECK(first.load() == 1);
    CHECK(second.load() == 1);
    CHECK(engine.stats().connections == 0);
}

TEST_CASE("Engine::shutdown from two threads at once: each done runs once") {
    net::LoopGroup group(2);
    Engine engine(group);
    Endpoint endpoint;
    group.start();
    net::Conn a = adopt_pair(engine, group.loop(0), endpoint);
    std::array<std::atomic<int>, 2> done{};
    std::latch go(2);
    std::vector<std::thread> callers;
    for (std::size_t i = 0; i < 2; ++i) {
        callers.emplace_back([&, i] {
            go.arrive_and_wait();
            engine.shutdown(50ms, [&done, i] { done[i].fetch_add(1); });
        });
    }
    for (auto& t : callers)
        t.join();
    // The silent client is dropped after the drain; then both are done.
    CHECK(eventually([&] { return done[0].load() == 1 && done[1].load() == 1; }));
    group.stop();
    group.wait();
    CHECK(done[0].load() == 1);
    CHECK(done[1].load() == 1);
}

TEST_CASE("Engine::shutdown after it completed runs done at once, on the calling thread") {
    net::LoopGroup group(1);
    Engine engine(group);
    group.start();
    std::promise<void> finished;
    engine.shutdown(1s, [&] { finished.set_value(); });
    REQUIRE(finished.get_future().wait_for(2s) == std::future_status::ready);
    int late = 0;
    std::thread::id ran_on;
    engine.shutdown(1s, [&] {
        ++late;
        ran_on = std::this_thread::get_id();
    });
    CHECK(late == 1);
    CHECK(ran_on == std::this_thread::get_id());

    // An Engine that knows no loop completes at once, every time.
    Engine idle;
    int calls = 0;
    idle.shutdown(1s, [&] { ++calls; });
    idle.shutdown(1s, [&] { ++calls; });
    CHECK(calls == 2);
}

TEST_CASE("Engine: after shutdown completed, an upgrade gets 503 and an adopted socket 1001") {
    Echo echo;
    http::Server server;
    Engine engine;
    configure(server, engine, echo.endpoint);
    websocket::test::Running running(server);
    const std::uint16_t port = server.address().port();
    std::vector<Client> before = open_echoes(port, 1);  // the Engine knows a loop
    std::atomic<int> done{0};
    engine.shutdown(1s, [&] { done.fetch_add(1); });
    const auto going_away = before[0].read_frame();
    REQUIRE(going_away);
    CHECK(going_away->close_code() == close_code::going_away);
    REQUIRE(before[0].send_close(close_code::going_away));
    REQUIRE(eventually([&] { return done.load() == 1; }));

    // The route refuses before the handshake (Engine::admit).
    Client late = Client::open(port, "/echo");
    CHECK(late.read_response() == "HTTP/1.1 503 Service Unavailable");
    CHECK(engine.stats().refused == 1);

    // A socket handed over anyway (a 101 already sent) is closed with 1001 (RFC 6455 §7.4.1)
    // and, once its closing handshake is done, released.
    net::LoopGroup group(1);
    group.start();
    net::Conn adopted = adopt_pair(engine, group.loop(0), echo.endpoint);
    CHECK(read_close_code(adopted) == 1001);
    REQUIRE(answer_close(adopted));
    CHECK(eventually([&] { return engine.stats().connections == 0; }));
    CHECK(done.load() == 1);  // the one shutdown completed once
    group.stop();
    group.wait();
}

TEST_CASE("Engine declared before the Server: destroyed after its loops, with live connections") {
    Echo echo;
    Engine engine;
    std::vector<Client> clients;
    {
        http::Server server;
        configure(server, engine, echo.endpoint);
        websocket::test::Running running(server);
        clients = open_echoes(server.address().port(), 20);
        CHECK(engine.stats().connections == 20);
    }  // the server's loops are destroyed here, and the Engine's connections with them
    CHECK(engine.stats().connections == 0);
    CHECK(count_eof(clients) == 20);
    CHECK_FALSE(echo.first.send_text("after"));      // its loop is gone
    engine.hub().publish("news", Opcode::text, {});  // to no loop
    int done = 0;
    engine.shutdown(1s, [&] { ++done; });  // no loop left to ask: complete at once
    CHECK(done == 1);
}  // ~Engine touches no destroyed loop (ASan: it did, heap-use-after-free)

TEST_CASE("Engine declared after the Server: destroyed before its loops, with live connections") {
    Echo echo;
    std::vector<Client> clients;
    http::Server server;
    {
        Engine engine;
        configure(server, engine, echo.endpoint);
        websocket::test::Running running(server);  // stops the loops first
        clients = open_echoes(server.address().port(), 20);
    }  // ~Engine: its connections close on the stopped loops
    CHECK(count_eof(clients) == 20);
}  // ~Server: the loops no longer know the Engine

TEST_CASE("Engine on a LoopGroup: either may be destroyed first, with live connections") {
    Endpoint endpoint;
    SUBCASE("the group first") {
        Engine engine;
        std::vector<net::Conn> clients;
        {
            net::LoopGroup group(2);
            group.start();
            clients.push_back(adopt_pair(engine, group.loop(0), endpoint));
            clients.push_back(adopt_pair(engine, group.loop(1), endpoint));
        }
        CHECK(engine.stats().connections == 0);
        for (auto& c : clients) {
            std::uint8_t byte;
            c.set_read_deadline(net::Conn::Clock::now() + 2s);
            const auto n = c.read(&byte, 1);
            CHECK((n && *n == 0));  // end of stream: closed with its loop
        }
    }
    SUBCASE("the group destroyed while a shutdown drains: done runs then, once") {
        Engine engine;
        std::atomic<int> done{0};
        net::Conn silent;
        {
            net::LoopGroup group(1);
            group.start();
            silent = adopt_pair(engine, group.loop(0), endpoint);
            engine.shutdown(1h, [&] { done.fetch_add(1); });
            CHECK(read_close_code(silent) == 1001);
            group.stop();
            group.wait();
            CHECK(done.load() == 0);  // the client never answered
        }
        CHECK(done.load() == 1);
    }
    SUBCASE("the Engine first") {
        net::LoopGroup group(2);
        {
            Engine engine(group);
            group.start();
            (void)adopt_pair(engine, group.loop(0), endpoint);
            (void)adopt_pair(engine, group.loop(1), endpoint);
            group.stop();
            group.wait();
        }
    }
}
