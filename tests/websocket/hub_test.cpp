// Hub: topics across loops, one shared frame per publish.
#include "websocket/hub.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/websocket/event_client.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {

// "/": subscribes to "news" on open; a message "unsub" unsubscribes; any other is published.
std::unique_ptr<WebSocketServer> news_server(std::atomic<int>& opened) {
    ServerOptions o;
    o.loops = 2;
    auto s = std::make_unique<WebSocketServer>(o);
    Hub& hub = s->hub();
    Endpoint e;
    e.handlers.on_open = [&opened](LoopConn& c) {
        c.subscribe("news");
        c.subscribe("news");  // twice is once
        opened.fetch_add(1);
    };
    e.handlers.on_message = [&hub](LoopConn& c, const LoopMessage& m) {
        if (m.text() == "unsub") {
            c.unsubscribe("news");
            (void)c.send_text("unsubscribed");
        } else {
            hub.publish("news", m.opcode, m.payload);
        }
    };
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

}  // namespace

TEST_CASE("Hub: a publish from a foreign thread reaches 1,000 subscribers on two loops, in order") {
    test::raise_fd_limit();
    std::atomic<int> opened{0};
    auto server = news_server(opened);
    constexpr int n = 1000, messages = 5;
    std::vector<Client> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(Client::connect(server->port()));
    for (int i = 0; i < 500 && opened.load() < n; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(opened.load() == n);
    for (int k = 0; k < messages; ++k)
        server->hub().publish("news", "m" + std::to_string(k));
    int ok = 0;
    for (auto& c : clients) {
        bool all = true;
        for (int k = 0; k < messages; ++k)
            all = all && c.read_message() == "m" + std::to_string(k);
        ok += all;
    }
    CHECK(ok == n);
    CHECK(server->engine().stats().messages_out == static_cast<std::uint64_t>(n * messages));
}

TEST_CASE("Hub: publishing from a connection's callback reaches everyone, sender included") {
    std::atomic<int> opened{0};
    auto server = news_server(opened);
    std::vector<Client> clients;
    for (int i = 0; i < 20; ++i)
        clients.push_back(Client::connect(server->port()));
    for (int i = 0; i < 500 && opened.load() < 20; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(clients[3].send(Opcode::binary, "from 3"));
    for (auto& c : clients)
        CHECK(c.read_message() == "from 3");
    // Unsubscribed: no more news for client 0.
    REQUIRE(clients[0].send(Opcode::text, "unsub"));
    CHECK(clients[0].read_message() == "unsubscribed");
    REQUIRE(clients[1].send(Opcode::text, "second"));
    for (std::size_t i = 1; i < clients.size(); ++i)
        CHECK(clients[i].read_message() == "second");
    clients[0].set_timeout(100ms);
    CHECK_FALSE(clients[0].read_message());
}

TEST_CASE("Hub: a closed subscriber leaves its topics") {
    std::atomic<int> opened{0};
    auto server = news_server(opened);
    Client a = Client::connect(server->port());
    Client b = Client::connect(server->port());
    for (int i = 0; i < 500 && opened.load() < 2; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(a.send_close(close_code::normal));
    CHECK(a.wait_eof());
    for (int i = 0; i < 500 && server->engine().stats().connections != 1; ++i)
        std::this_thread::sleep_for(2ms);
    server->hub().publish("news", "after");
    CHECK(b.read_message() == "after");
    CHECK(server->engine().stats().messages_out == 1);
}
