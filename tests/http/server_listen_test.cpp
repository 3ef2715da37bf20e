// Server::listen: one port, one server. A port any socket holds is an error that names the
// address; SO_REUSEPORT only when asked for; every loop of a multi-loop server gets connections
// whichever way they reach it, and a graceful shutdown frees the port.
#include <doctest/doctest.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/server_error.hpp"
#include "net/listener.hpp"
#include "net/socket.hpp"
#include "tests/http/server_support.hpp"

using namespace wire;
using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

namespace {

std::string in_use(const TestServer& s) {
    return "listen " + s.address() + ": address already in use";
}

// Which loop threads ran the handler, and how often.
struct LoopsSeen {
    std::mutex mu;
    std::map<std::thread::id, int> threads;
    HandlerPtr handler() {
        return handler_func([this](ResponseWriter& w, Request&) {
            {
                std::lock_guard lock(mu);
                ++threads[std::this_thread::get_id()];
            }
            (void)w.write("ok");
        });
    }
    std::size_t count() {
        std::lock_guard lock(mu);
        return threads.size();
    }
    // Most requests on one thread minus fewest.
    int spread() {
        std::lock_guard lock(mu);
        int low = threads.empty() ? 0 : threads.begin()->second, high = low;
        for (const auto& [id, n] : threads) {
            low = std::min(low, n);
            high = std::max(high, n);
        }
        return high - low;
    }
};

// Keep-alive connections, one after the other, each answered before the next is opened, until
// the handler has run on `loops` threads (at most 256 connections). Every loop is then known to
// be running: a loop thread that starts late finds the earlier connections taken by the others.
std::vector<std::unique_ptr<Client>> open_clients(const TestServer& s, LoopsSeen& seen,
                                                  std::size_t loops) {
    std::vector<std::unique_ptr<Client>> clients;
    while (clients.size() < 256 && seen.count() < loops) {
        clients.push_back(std::make_unique<Client>(s));
        clients.back()->send(get("/"));
        REQUIRE(clients.back()->read().body == "ok");
    }
    return clients;
}

}  // namespace

TEST_CASE("a second Server on a held port fails at listen, naming the address") {
    TestServer first(handler_func([](ResponseWriter& w, Request&) { (void)w.write("first"); }),
                     [](Server& cfg) { cfg.loops = 2; });
    Server second;
    second.addr = first.address();
    second.log = [](std::string_view) {};
    const auto listening = second.listen();
    REQUIRE_FALSE(listening);
    CHECK(listening.error().message() == in_use(first));
    CHECK(listening.error() == std::errc::address_in_use);
    // listen_and_serve returns the same error at once rather than serving.
    const auto served = second.listen_and_serve();
    CHECK(served.error().message() == in_use(first));
    // The first server has every connection.
    CHECK(roundtrip(first, get("/")).body == "first");
}

TEST_CASE("a Server on a port a plain socket holds fails the same way") {
    net::Socket other(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(other.valid());
    const net::Address any = net::Address::ipv4_loopback(0);
    REQUIRE(::bind(other.fd(), any.sockaddr_ptr(), any.length()) == 0);
    REQUIRE(::listen(other.fd(), 16) == 0);
    auto held = other.local_address();
    REQUIRE(held);
    for (const std::size_t loops : {std::size_t{1}, std::size_t{4}}) {
        Server s;
        s.addr = held->to_string();
        s.loops = loops;
        s.log = [](std::string_view) {};
        const auto served = s.listen_and_serve();
        CHECK(served.error().message() ==
              "listen " + held->to_string() + ": address already in use");
    }
    // An address that does not parse is named too.
    Server bad;
    bad.addr = "127.0.0.1";
    CHECK(bad.listen().error().message() == "listen 127.0.0.1: missing port in address");
}

TEST_CASE("reuse_port on both servers: the second binds the port and both serve") {
    TestServer first(handler_func([](ResponseWriter& w, Request&) { (void)w.write("a"); }),
                     [](Server& cfg) {
                         cfg.loops = 2;
                         cfg.reuse_port = true;
                     });
    TestServer second(handler_func([](ResponseWriter& w, Request&) { (void)w.write("b"); }),
                      [&](Server& cfg) {
                          cfg.addr = first.address();
                          cfg.loops = 2;
                          cfg.reuse_port = true;
                      });
    CHECK(second.address() == first.address());
    // The kernel hashes connections over the four sockets: both servers answer some.
    std::set<std::string> answers;
    for (int i = 0; i < 64 && answers.size() < 2; ++i)
        answers.insert(roundtrip(first, get("/")).body);
    CHECK(answers == std::set<std::string>{"a", "b"});
    // One that did not opt in still cannot join.
    Server third;
    third.addr = first.address();
    CHECK(third.listen().error() == std::errc::address_in_use);
}

TEST_CASE("a multi-loop Server: connections reach every loop, shared socket or SO_REUSEPORT") {
    for (const bool reuse_port : {false, true}) {
        for (const std::size_t loops : {std::size_t{2}, std::size_t{4}}) {
            CAPTURE(reuse_port);
            CAPTURE(loops);
            LoopsSeen seen;
            TestServer s(seen.handler(), [&](Server& cfg) {
                cfg.loops = loops;
                cfg.reuse_port = reuse_port;
            });
            // Port 0: every loop on the one port the first socket was given.
            CHECK(s.port() != 0);
            auto clients = open_clients(s, seen, loops);
            MESSAGE("connections until every loop had one: " << clients.size());
            CHECK(seen.count() == loops);
            CHECK(s.server.connection_count() == clients.size());
        }
    }
}

TEST_CASE("a burst of connections to a multi-loop Server is spread evenly over its loops") {
    // Opened all at once, then one request on each: whichever loops the kernel woke (and the
    // scheduler ran), each loop ends up serving its share (net/accept_balance.hpp).
    LoopsSeen seen;
    TestServer s(seen.handler(), [](Server& cfg) { cfg.loops = 2; });
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 100; ++i)
        clients.push_back(std::make_unique<Client>(s));
    for (auto& c : clients)
        c->send(get("/"));
    for (auto& c : clients)
        REQUIRE(c->read().body == "ok");
    CHECK(seen.count() == 2);
    CHECK(seen.spread() <= 3);
}

TEST_CASE("a multi-loop Server shuts down gracefully and frees its port, either way") {
    for (const bool reuse_port : {false, true}) {
        CAPTURE(reuse_port);
        LoopsSeen seen;
        TestServer s(seen.handler(), [&](Server& cfg) {
            cfg.loops = 4;
            cfg.reuse_port = reuse_port;
        });
        auto clients = open_clients(s, seen, 4);
        CHECK(seen.count() == 4);
        // One request in flight, half sent, when the shutdown starts: it is still answered.
        Client late(s);
        const std::string request = get("/");
        late.send(request.substr(0, 10));
        std::this_thread::sleep_for(50ms);
        auto stopping = std::async(std::launch::async, [&] { return s.server.shutdown(5s); });
        std::this_thread::sleep_for(100ms);
        late.send(request.substr(10));
        const Response r = late.read();
        CHECK(r.body == "ok");
        CHECK(r.get("Connection") == "close");
        CHECK(stopping.get());
        for (auto& c : clients)
            CHECK(c->closed_within(2s));
        s.join();
        CHECK(s.result.error() == ServerError::server_closed);
        CHECK_FALSE(net::dial(s.address(), 1s));
        // Every loop closed its descriptor: the port is free for the next server.
        auto again = net::Listener::listen(s.address());
        CHECK(again);
    }
}
