// Graceful shutdown and the requests that race it: a keep-alive client sending its next request
// as the server stops, requests already in the socket, connections not yet accepted.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "net/dial.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/eventually.hpp"

using namespace wire;
using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

namespace {

HandlerPtr echo_path() {
    return handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.path); });
}

// True once the listener is closed: shutdown has begun on the loop.
bool refusing(const TestServer& s) {
    return !net::dial(s.address(), 1s);
}

}  // namespace

TEST_CASE("graceful shutdown: a keep-alive request sent as it begins is answered, then closed") {
    TestServer s(echo_path());
    Client c(s);
    c.send(get("/first"));
    CHECK(c.read().body == "/first");
    // The connection is idle, as a keep-alive client's is between two requests.
    auto stopping = std::async(std::launch::async, [&] { return s.server.shutdown(5s); });
    REQUIRE(wire::test::eventually([&] { return refusing(s); }));
    c.send(get("/second"));
    const Response r = c.read();
    CHECK(r.body == "/second");
    CHECK(r.get("Connection") == "close");
    CHECK(c.closed_within(2s));
    CHECK(stopping.get());
}

TEST_CASE("graceful shutdown: a connection quiet for longer than the grace closes at once") {
    TestServer s(echo_path(), [](Server& cfg) { cfg.shutdown_idle_grace = 1s; });
    Client c(s);
    c.send(get("/a"));
    CHECK(c.read().body == "/a");
    std::this_thread::sleep_for(1200ms);  // quiet for longer than shutdown_idle_grace
    const auto start = std::chrono::steady_clock::now();
    CHECK(s.server.shutdown(5s));
    CHECK(std::chrono::steady_clock::now() - start < 800ms);  // the grace was not waited for
    CHECK(c.closed_within(1s));
}

TEST_CASE(
    "graceful shutdown: requests already received, or on connections not yet accepted, "
    "are answered even with no grace") {
    std::atomic<bool> in_slow{false};
    TestServer s(handler_func([&](ResponseWriter& w, Request& r) {
                     if (r.path == "/slow") {
                         in_slow = true;
                         std::this_thread::sleep_for(300ms);  // holds the loop
                     }
                     (void)w.write(r.path);
                 }),
                 [](Server& cfg) { cfg.shutdown_idle_grace = 0s; });
    Client idle(s);
    idle.send(get("/a"));
    CHECK(idle.read().body == "/a");
    Client slow(s);
    slow.send(get("/slow"));
    REQUIRE(wire::test::eventually([&] { return in_slow.load(); }));
    // While the loop sleeps in the handler: shutdown is asked first, then a request comes on
    // the idle connection and a new connection completes in the kernel's accept queue. The
    // loop sees the shutdown before either.
    auto stopping = std::async(std::launch::async, [&] { return s.server.shutdown(5s); });
    std::this_thread::sleep_for(50ms);
    idle.send(get("/b"));
    Client fresh(s);
    fresh.send(get("/c"));
    CHECK(slow.read().body == "/slow");
    const Response b = idle.read();
    CHECK(b.body == "/b");
    CHECK(b.get("Connection") == "close");
    const Response c = fresh.read();
    CHECK(c.body == "/c");
    CHECK(c.get("Connection") == "close");
    CHECK(stopping.get());
}

TEST_CASE(
    "graceful shutdown with four loops sharing the listener: every request sent is answered "
    "or its connection was never accepted") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) { (void)w.write("ok"); }),
                 [](Server& cfg) { cfg.loops = 4; });
    std::atomic<int> answered{0};
    std::atomic<int> lost{0};
    // Keep-alive clients, each sending its next request as soon as the last is answered and
    // connecting again after "Connection: close", until connecting is refused.
    auto client = [&] {
        const std::string request = get("/");
        for (;;) {
            auto c = net::dial(s.address(), 2s);
            if (!c) return;
            c->set_read_deadline(net::Conn::Clock::now() + 5s);
            bool closing = false;
            while (!closing) {
                if (!c->write(request)) {
                    ++lost;
                    return;
                }
                std::string in;
                char buf[4096];
                // Complete when the head's end and the two-byte body are in.
                while (in.size() < 2 || in.find("\r\n\r\n") == std::string::npos ||
                       in.compare(in.size() - 2, 2, "ok") != 0) {
                    auto n = c->read(buf, sizeof buf);
                    if (!n || *n == 0) break;
                    in.append(buf, *n);
                }
                if (in.find("\r\n\r\n") == std::string::npos || !in.ends_with("ok")) {
                    ++lost;
                    return;
                }
                ++answered;
                closing = in.find("Connection: close") != std::string::npos;
            }
        }
    };
    std::vector<std::thread> clients;
    for (int i = 0; i < 8; ++i)
        clients.emplace_back(client);
    REQUIRE(wire::test::eventually([&] { return answered.load() > 200; }));
    CHECK(s.server.shutdown(5s));
    for (auto& t : clients)
        t.join();
    CHECK(lost.load() == 0);
}
