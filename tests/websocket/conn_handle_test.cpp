// ConnHandle: sends and closes from foreign threads (run under TSan by `make tsan`), and handles
// that outlive their connection.
#include "websocket/conn_handle.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
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

struct Registry {
    std::mutex mu;
    std::vector<ConnHandle> handles;
    std::size_t size() {
        std::lock_guard l(mu);
        return handles.size();
    }
};

std::unique_ptr<WebSocketServer> registry_server(Registry& r, std::size_t loops = 2) {
    Endpoint e;
    e.handlers.on_open = [&r](LoopConn& c) {
        std::lock_guard l(r.mu);
        r.handles.push_back(c.handle());
    };
    ServerOptions o;
    o.loops = loops;
    auto s = std::make_unique<WebSocketServer>(o);
    s->route("/", std::move(e));
    REQUIRE_FALSE(s->listen("127.0.0.1:0"));
    s->start();
    return s;
}

}  // namespace

TEST_CASE(
    "ConnHandle: four threads send to 50 connections; each thread's messages arrive in order") {
    Registry reg;
    auto server = registry_server(reg);
    constexpr int conns = 50, threads = 4, per_thread = 100;
    std::vector<Client> clients;
    for (int i = 0; i < conns; ++i)
        clients.push_back(Client::connect(server->port()));
    for (int i = 0; i < 300 && reg.size() < conns; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(reg.size() == conns);
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([&, t] {
            std::vector<ConnHandle> hs;
            {
                std::lock_guard l(reg.mu);
                hs = reg.handles;  // handles are cheap copies
            }
            for (int k = 0; k < per_thread; ++k)
                for (const ConnHandle& h : hs)
                    h.send_text(std::to_string(t) + ":" + std::to_string(k));
        });
    }
    for (auto& s : senders)
        s.join();
    int complete = 0;
    for (auto& c : clients) {
        std::vector<int> next(threads, 0);
        bool in_order = true;
        for (int i = 0; i < threads * per_thread; ++i) {
            const auto m = c.read_message();
            if (!m) {
                in_order = false;
                break;
            }
            const int t = std::stoi(m->substr(0, m->find(':')));
            const int k = std::stoi(m->substr(m->find(':') + 1));
            if (k != next[static_cast<std::size_t>(t)]++) in_order = false;
        }
        if (in_order) ++complete;
    }
    CHECK(complete == conns);
}

TEST_CASE("ConnHandle: close from another thread; a handle to a closed connection is harmless") {
    Registry reg;
    auto server = registry_server(reg, 1);  // one loop: the next connection reuses the slot
    Client c = Client::connect(server->port());
    for (int i = 0; i < 300 && reg.size() < 1; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(reg.size() == 1);
    const ConnHandle h = reg.handles[0];
    CHECK(h);
    std::thread([h] { h.close(4001, "from a thread"); }).join();
    const auto f = c.read_frame();
    REQUIRE(f);
    CHECK(f->close_code() == 4001);
    REQUIRE(c.send_close(4001));
    CHECK(c.wait_eof());
    // The slot may be reused by the next connection: the old handle must not reach it.
    Client d = Client::connect(server->port());
    for (int i = 0; i < 300 && reg.size() < 2; ++i)
        std::this_thread::sleep_for(2ms);
    REQUIRE(reg.size() == 2);
    CHECK(reg.handles[1].slot() == h.slot());
    CHECK(reg.handles[1].generation() != h.generation());
    CHECK(h.send_text("stale"));  // posted, then ignored
    reg.handles[1].send_text("fresh");
    CHECK(d.read_message() == "fresh");
    CHECK_FALSE(ConnHandle{}.send_text("nobody"));
}
