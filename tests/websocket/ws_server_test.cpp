// WebSocketServer: the opening handshake on the loop, admission control, handshake timeout and
// graceful shutdown, against real loopback clients.
#include "websocket/ws_server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "net/listener.hpp"
#include "tests/support/eventually.hpp"
#include "tests/websocket/event_client.hpp"
#include "websocket/loop_conn.hpp"

using namespace wire::websocket;
using wire::websocket::test::Client;

namespace {

Endpoint echo_endpoint() {
    Endpoint e;
    e.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    return e;
}

std::unique_ptr<WebSocketServer> start_server(ServerOptions o, Endpoint e, std::string path = "/") {
    auto s = std::make_unique<WebSocketServer>(o);
    s->route(std::move(path), std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

ServerOptions two_loops() {
    ServerOptions o;
    o.loops = 2;
    return o;
}

}  // namespace

TEST_CASE("WebSocketServer: 101 with the RFC 6455 accept value, then frames flow") {
    auto server = start_server(two_loops(), echo_endpoint());
    Client c = Client::open(server->port());
    CHECK(c.read_response() == "HTTP/1.1 101 Switching Protocols");
    // RFC 6455 §1.3's example key and accept value.
    CHECK(c.response_head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") !=
          std::string::npos);
    REQUIRE(c.send(Opcode::text, "hello"));
    const auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->opcode == Opcode::text);
    CHECK(f->payload == "hello");
}

TEST_CASE("WebSocketServer: frames sent right behind the request are not lost") {
    auto server = start_server(two_loops(), echo_endpoint());
    Client c = Client::open(server->port());
    REQUIRE(c.send(Opcode::binary, "early"));  // before reading the 101
    CHECK(c.read_response() == "HTTP/1.1 101 Switching Protocols");
    CHECK(c.read_message() == "early");
}

TEST_CASE("WebSocketServer: busy_poll reaches every loop, and messages flow with it on") {
    ServerOptions o = two_loops();
    o.busy_poll = std::chrono::microseconds(200);
    auto server = start_server(o, echo_endpoint());
    for (std::size_t i = 0; i < server->loops().size(); ++i)
        CHECK(server->loops().loop(i).busy_poll() == std::chrono::microseconds(200));
    Client c = Client::open(server->port());
    CHECK(c.read_response() == "HTTP/1.1 101 Switching Protocols");
    for (int i = 0; i < 50; ++i) {
        const std::string text = "ping " + std::to_string(i);
        REQUIRE(c.send(Opcode::text, text));
        CHECK(c.read_message() == text);
    }
}

TEST_CASE("WebSocketServer: refusals name the problem") {
    auto server = start_server(two_loops(), echo_endpoint());
    SUBCASE("unknown path: 404") {
        Client c = Client::open(server->port(), "/nope");
        CHECK(c.read_response().rfind("HTTP/1.1 404", 0) == 0);
    }
    SUBCASE("bad key: 400") {
        Client c = Client::open(server->port(), "/", "", "short");
        CHECK(c.read_response().rfind("HTTP/1.1 400", 0) == 0);
    }
    SUBCASE("another origin: 403") {
        Client c = Client::open(server->port(), "/", "Origin: http://evil.example\r\n");
        CHECK(c.read_response().rfind("HTTP/1.1 403", 0) == 0);
    }
    SUBCASE("the query is not part of the route") {
        Client c = Client::open(server->port(), "/?room=1");
        CHECK(c.read_response().rfind("HTTP/1.1 101", 0) == 0);
    }
}

TEST_CASE("WebSocketServer: over max_connections new upgrades get 503") {
    ServerOptions o = two_loops();
    o.admission.max_connections = 3;
    auto server = start_server(o, echo_endpoint());
    std::vector<Client> held;
    for (int i = 0; i < 3; ++i)
        held.push_back(Client::connect(server->port()));
    Client refused = Client::open(server->port());
    CHECK(refused.read_response().rfind("HTTP/1.1 503", 0) == 0);
    CHECK(refused.wait_eof());
    CHECK(server->engine().stats().refused == 1);
    // The 101 leaves before its loop counts the connection (admission had already reserved the
    // place), so the count of the last one held can trail its client by a moment.
    CHECK(wire::test::eventually([&] { return server->engine().stats().connections == 3; }));
    // One leaves: there is room again.
    REQUIRE(held[0].send_close(close_code::normal));
    CHECK(held[0].wait_eof());
    CHECK(wire::test::eventually([&] { return server->engine().stats().connections == 2; }));
    Client again = Client::open(server->port());
    CHECK(again.read_response().rfind("HTTP/1.1 101", 0) == 0);
}

TEST_CASE("WebSocketServer: a client that never finishes its request is dropped") {
    ServerOptions o = two_loops();
    o.handshake_timeout = std::chrono::milliseconds(100);
    auto server = start_server(o, echo_endpoint());
    auto s = wire::net::dial_socket(wire::net::Address::ipv4_loopback(server->port()), {});
    REQUIRE(s);
    (void)s->set_nonblocking(false);
    REQUIRE(s->write("GET / HTTP/1.1\r\nHost: x\r\n"));  // and then nothing
    const auto t0 = std::chrono::steady_clock::now();
    char b[16];
    timeval tv{3, 0};
    ::setsockopt(s->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto n = s->read(b, sizeof b);
    const auto waited = std::chrono::steady_clock::now() - t0;
    CHECK((!n || *n == 0));  // closed, not answered
    CHECK(waited < std::chrono::seconds(2));
}

TEST_CASE("WebSocketServer: graceful shutdown sends 1001 to every client, then run() returns") {
    std::atomic<int> closed{0};
    Endpoint e = echo_endpoint();
    e.handlers.on_close = [&](LoopConn&, std::uint16_t code, std::string_view) {
        if (code == close_code::going_away) closed.fetch_add(1);
    };
    auto server = start_server(two_loops(), e);
    constexpr int n = 300;
    std::vector<Client> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(Client::connect(server->port()));
    server->shutdown(std::chrono::seconds(2));
    int got = 0;
    for (auto& c : clients) {
        const auto f = c.read_frame();
        if (f && f->opcode == Opcode::close && f->close_code() == close_code::going_away) ++got;
        (void)c.send_close(close_code::going_away);  // complete the closing handshake
    }
    CHECK(got == n);
    server->wait();  // the loops stop once every connection has closed
    CHECK(closed.load() == n);
    CHECK(server->engine().stats().closes(close_code::going_away) == n);
    CHECK(server->engine().stats().connections == 0);
}

TEST_CASE("WebSocketServer: shutdown drops clients that do not answer within the drain time") {
    auto server = start_server(two_loops(), echo_endpoint());
    Client c = Client::connect(server->port());
    const auto t0 = std::chrono::steady_clock::now();
    server->shutdown(std::chrono::milliseconds(100));
    const auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->close_code() == close_code::going_away);
    CHECK(c.wait_eof());  // we never answered: dropped at the deadline
    server->wait();
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
}

namespace {

// An echo endpoint that notes which loop threads opened connections.
struct LoopsSeen {
    std::mutex mu;
    std::set<std::thread::id> threads;
    Endpoint endpoint() {
        Endpoint e = echo_endpoint();
        e.handlers.on_open = [this](LoopConn&) {
            std::lock_guard lock(mu);
            threads.insert(std::this_thread::get_id());
        };
        return e;
    }
    std::size_t count() {
        std::lock_guard lock(mu);
        return threads.size();
    }
};

std::string in_use(std::uint16_t port) {
    return "listen 127.0.0.1:" + std::to_string(port) + ": address already in use";
}

}  // namespace

TEST_CASE("WebSocketServer: listen on a port another server holds fails, naming the address") {
    auto first = start_server(two_loops(), echo_endpoint());
    WebSocketServer second(two_loops());
    const std::error_code ec = second.listen("127.0.0.1:" + std::to_string(first->port()));
    CHECK(ec.message() == in_use(first->port()));
    CHECK(ec == std::errc::address_in_use);
    CHECK(second.listen("127.0.0.1").message() == "listen 127.0.0.1: missing port in address");
    // The first still has every connection.
    Client c = Client::connect(first->port());
    REQUIRE(c.send(Opcode::text, "still here"));
    CHECK(c.read_message() == "still here");
}

TEST_CASE("WebSocketServer: reuse_port on both servers lets the second bind, and both serve") {
    ServerOptions o = two_loops();
    o.reuse_port = true;
    std::atomic<int> opened[2] = {0, 0};
    std::unique_ptr<WebSocketServer> servers[2];
    for (int i = 0; i < 2; ++i) {
        Endpoint e = echo_endpoint();
        e.handlers.on_open = [&opened, i](LoopConn&) { ++opened[i]; };
        servers[i] = std::make_unique<WebSocketServer>(o);
        servers[i]->route("/", std::move(e));
        const std::uint16_t port = i == 0 ? 0 : servers[0]->port();
        REQUIRE_FALSE(servers[i]->listen("127.0.0.1:" + std::to_string(port)));
        servers[i]->start();
    }
    CHECK(servers[1]->port() == servers[0]->port());
    std::vector<Client> clients;
    for (int i = 0; i < 64; ++i)
        clients.push_back(Client::connect(servers[0]->port()));
    for (int i = 0; i < 400 && opened[0] + opened[1] != 64; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(opened[0] + opened[1] == 64);
    CHECK(opened[0] > 0);
    CHECK(opened[1] > 0);
}

TEST_CASE("WebSocketServer: a burst of connections is spread evenly over the loops") {
    // Upgrade requests all sent before any answer is read: whichever loops the kernel woke
    // (and the scheduler ran), each loop ends up holding its share (net/accept_balance.hpp).
    std::mutex mu;
    std::map<std::thread::id, int> per_loop;
    Endpoint e = echo_endpoint();
    e.handlers.on_open = [&](LoopConn&) {
        std::lock_guard lock(mu);
        ++per_loop[std::this_thread::get_id()];
    };
    auto server = start_server(two_loops(), e);
    std::vector<Client> clients;
    for (int i = 0; i < 100; ++i)
        clients.push_back(Client::open(server->port()));
    for (auto& c : clients)
        REQUIRE(c.read_response() == "HTTP/1.1 101 Switching Protocols");
    for (int i = 0; i < 400 && server->engine().stats().connections != 100; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::lock_guard lock(mu);
    REQUIRE(per_loop.size() == 2);
    const int a = per_loop.begin()->second, b = std::next(per_loop.begin())->second;
    MESSAGE("connections per loop: " << a << " " << b);
    CHECK(a + b == 100);
    CHECK(std::abs(a - b) <= 3);
}

TEST_CASE("WebSocketServer: 4 loops all get connections, shared socket or SO_REUSEPORT") {
    for (const bool reuse_port : {false, true}) {
        CAPTURE(reuse_port);
        ServerOptions o;
        o.loops = 4;
        o.reuse_port = reuse_port;
        LoopsSeen seen;
        auto server = start_server(o, seen.endpoint());
        // Each upgraded before the next, until every loop has opened one (a loop thread that
        // starts late finds the earlier connections taken by the others), at most 256.
        std::vector<Client> clients;
        for (int i = 0; i < 256 && seen.count() < 4; ++i) {
            clients.push_back(Client::connect(server->port()));
            // on_open runs once the 101 has left: wait for it before the next.
            for (int k = 0; k < 400 && server->engine().stats().accepted != clients.size(); ++k)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        const auto n = static_cast<int>(clients.size());
        MESSAGE("connections until every loop had one: " << n);
        CHECK(seen.count() == 4);
        CHECK(server->engine().stats().connections == clients.size());
        // Graceful shutdown from every loop, then the port is free again.
        server->shutdown(std::chrono::seconds(2));
        int got = 0;
        for (auto& c : clients) {
            const auto f = c.read_frame();
            if (f && f->opcode == Opcode::close && f->close_code() == close_code::going_away) ++got;
            (void)c.send_close(close_code::going_away);
        }
        CHECK(got == n);
        server->wait();
        CHECK(server->engine().stats().connections == 0);
        CHECK(wire::net::Listener::listen(wire::net::Address::ipv4_loopback(server->port())));
    }
}
