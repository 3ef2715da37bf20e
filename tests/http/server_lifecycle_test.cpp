// Graceful shutdown, close, hijacking and handing a connection to another protocol on the loop.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http/server_error.hpp"
#include "net/event_loop.hpp"
#include "tests/http/server_support.hpp"

using namespace wire;
using namespace wire::http;
using namespace wire::http::test;
using namespace std::chrono_literals;

TEST_CASE("graceful shutdown: in-flight requests all finish, idle connections close") {
    std::atomic<int> started{0};
    TestServer s(handler_func([&](ResponseWriter& w, Request&) {
                     ++started;
                     std::this_thread::sleep_for(300ms);
                     (void)w.write("done");
                 }),
                 [](Server& cfg) { cfg.worker_threads = 8; });
    Client idle(s);
    idle.send(get("/"));
    CHECK(idle.read().body == "done");
    started = 0;

    constexpr int n = 8;
    std::vector<std::future<Response>> inflight;
    for (int i = 0; i < n; ++i) {
        inflight.push_back(std::async(std::launch::async, [&] { return roundtrip(s, get("/")); }));
    }
    while (started < n)
        std::this_thread::sleep_for(1ms);
    std::atomic<bool> hook_ran{false};
    s.server.register_on_shutdown([&] { hook_ran = true; });
    const auto result = s.server.shutdown(5s);
    CHECK(result);
    CHECK(hook_ran);
    for (auto& f : inflight) {
        const Response r = f.get();
        CHECK(r.status == 200);
        CHECK(r.body == "done");
        CHECK(r.get("Connection") == "close");
    }
    CHECK(idle.closed_within(1s));
    s.join();
    CHECK(s.result.error() == ServerError::server_closed);
    // New connections are refused.
    CHECK_FALSE(net::dial(s.address(), 1s));
}

TEST_CASE("graceful shutdown on the loop: a request half sent when it starts is still served") {
    TestServer s(handler_func([](ResponseWriter& w, Request& r) { (void)w.write(r.path); }));
    // Serving: a shutdown before serve() has started its loops would find nothing to wait for.
    REQUIRE(roundtrip(s, get("/")).status == 200);
    Client c(s);
    const std::string request = get("/late");
    c.send(request.substr(0, 10));
    std::this_thread::sleep_for(50ms);
    auto stopping = std::async(std::launch::async, [&] { return s.server.shutdown(5s); });
    std::this_thread::sleep_for(100ms);
    c.send(request.substr(10));
    const Response r = c.read();
    CHECK(r.body == "/late");
    CHECK(r.get("Connection") == "close");
    CHECK(stopping.get());
}

TEST_CASE("shutdown past its deadline closes what is left and reports a timeout") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) { (void)w.write("x"); }));
    REQUIRE(roundtrip(s, get("/")).status == 200);  // serving: the loops exist
    Client c(s);
    c.send("GET / HTTP/1.1\r\n");  // never completes
    std::this_thread::sleep_for(50ms);
    const auto start = std::chrono::steady_clock::now();
    const auto result = s.server.shutdown(300ms);
    CHECK(result.error() == net::Error::timeout);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    CHECK(c.closed_within(2s));
}

TEST_CASE("register_on_shutdown_wait: the loops run until the hook calls done") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) { (void)w.write("x"); }));
    REQUIRE(roundtrip(s, get("/")).status == 200);  // serving: the loops exist
    std::thread finisher;
    std::atomic<bool> done_called{false};
    std::atomic<bool> plain_ran{false};
    s.server.register_on_shutdown([&] { plain_ran = true; });
    s.server.register_on_shutdown_wait([&](std::function<void()> done) {
        // Another thread, as an Engine's last loop would: done 300 ms after shutdown began.
        finisher = std::thread([&, done = std::move(done)] {
            std::this_thread::sleep_for(300ms);
            done_called = true;
            done();
            done();  // a second call counts for nothing
        });
    });
    const auto start = std::chrono::steady_clock::now();
    const auto result = s.server.shutdown(5s);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(result);
    CHECK(plain_ran);
    CHECK(done_called);  // shutdown() returned only after done
    CHECK(took >= 250ms);
    CHECK(took < 4s);
    s.join();
    CHECK(s.result.error() == ServerError::server_closed);
    finisher.join();
}

TEST_CASE("register_on_shutdown_wait: a hook that never calls done cannot hold past the deadline") {
    std::function<void()> kept;  // called only after the Server is gone: does nothing
    {
        TestServer s(handler_func([](ResponseWriter& w, Request&) { (void)w.write("x"); }),
                     [](Server& cfg) { cfg.loops = 2; });
        REQUIRE(roundtrip(s, get("/")).status == 200);
        s.server.register_on_shutdown_wait([&](std::function<void()> done) { kept = done; });
        const auto start = std::chrono::steady_clock::now();
        const auto result = s.server.shutdown(300ms);
        const auto took = std::chrono::steady_clock::now() - start;
        CHECK(result.error() == net::Error::timeout);
        CHECK(took >= 250ms);  // it did wait for the hook...
        CHECK(took < 3s);      // ...and gave up at the deadline
        s.join();
        CHECK(s.result.error() == ServerError::server_closed);
    }
    REQUIRE(kept);
    kept();
}

TEST_CASE("hijack: the handler owns the connection, with the bytes already read") {
    std::promise<std::string> seen;
    std::promise<std::thread> owner;
    TestServer s(handler_func([&](ResponseWriter& w, Request& r) {
        if (r.path != "/hijack") return;
        auto h = w.hijack();
        REQUIRE(h);
        CHECK(w.write("x").error() == ServerError::hijacked);
        CHECK(w.hijack().error() == ServerError::already_hijacked);
        // The connection is ours: serve it from our own thread (it blocks).
        owner.set_value(std::thread([h = std::move(*h), &seen]() mutable {
            CHECK(h.reader->buffered() == "EXTRA");
            std::string got;
            char tmp[64];
            while (got.size() < 10) {
                auto n = h.reader->read(tmp, sizeof tmp);
                if (!n || *n == 0) break;
                got.append(tmp, *n);
            }
            (void)h.writer->write("HTTP/1.1 101 Switching Protocols\r\n\r\nraw:" + got);
            (void)h.writer->flush();
            seen.set_value(got);
        }));
    }));
    Client c(s);
    // Two requests answered first, then the hijacking one with extra bytes behind it.
    c.send(get("/a") + get("/b") + "GET /hijack HTTP/1.1\r\nHost: h\r\n\r\nEXTRA");
    CHECK(c.read().status == 200);  // answered before the hijack took the connection
    CHECK(c.read().status == 200);
    c.send("12345");
    auto got = seen.get_future();
    REQUIRE(got.wait_for(5s) == std::future_status::ready);
    CHECK(got.get() == "EXTRA12345");
    const Response r = c.read();
    CHECK(r.status == 101);
    owner.get_future().get().join();
}

TEST_CASE("hijack from a worker thread") {
    std::promise<std::thread> owner;
    TestServer s(handler_func([&](ResponseWriter& w, Request&) {
                     auto h = w.hijack();
                     REQUIRE(h);
                     owner.set_value(std::thread([h = std::move(*h)]() mutable {
                         (void)h.writer->write(
                             std::string("HTTP/1.1 200 OK\r\nContent-Length: "
                                         "6\r\n\r\nworker"));
                         (void)h.writer->flush();
                     }));
                 }),
                 [](Server& cfg) { cfg.worker_threads = 2; });
    Client c(s);
    c.send(get("/"));
    CHECK(c.read().body == "worker");
    owner.get_future().get().join();
}

namespace {

// A tiny protocol that takes over after a 101: echoes every byte it receives, prefixed.
class Echo final : public net::IoHandler {
  public:
    Echo(net::EventLoop& loop, net::Socket socket) : loop_(loop), socket_(std::move(socket)) {}
    void on_readable() override {
        char buf[256];
        auto n = socket_.read(buf, sizeof buf);
        if (n && *n > 0) {
            (void)socket_.write("echo:" + std::string(buf, *n));
            return;
        }
        if (!n && net::would_block(n.error())) return;
        (void)loop_.remove(socket_.fd());
        delete this;
    }
    void on_error() override {
        (void)loop_.remove(socket_.fd());
        delete this;
    }
    net::EventLoop& loop_;
    net::Socket socket_;
};

}  // namespace

TEST_CASE("upgrade_on_loop: after the 101 another protocol takes the socket on the same loop") {
    std::atomic<bool> on_loop{false};
    TestServer s(handler_func([&](ResponseWriter& w, Request&) {
        w.header().set("Upgrade", "echo");
        w.header().set("Connection", "Upgrade");
        w.write_header(101);
        auto ok = w.upgrade_on_loop([&](LoopUpgrade&& up) {
            on_loop = up.loop->in_loop_thread();
            auto* echo = new Echo(*up.loop, std::move(up.socket));
            if (!up.already_read.empty()) {
                (void)echo->socket_.write("first:" + up.already_read);
            }
            (void)up.loop->add(echo->socket_.fd(), net::Interest::readable, echo);
        });
        CHECK(ok);
    }));
    Client c(s);
    c.send("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhi");
    const Response r = c.read();
    CHECK(r.status == 101);
    CHECK(r.get("Upgrade") == "echo");
    std::string got = c.take_buffered();  // may have come with the 101
    char tmp[256];
    while (got.size() < 8) {
        auto n = c.conn.read(tmp, sizeof tmp);
        REQUIRE_MESSAGE(n, n.error().message());
        REQUIRE(*n > 0);
        got.append(tmp, *n);
    }
    CHECK(got == "first:hi");
    c.send("abc");
    got.clear();
    while (got.size() < 8) {
        auto n = c.conn.read(tmp, sizeof tmp);
        REQUIRE_MESSAGE(n, n.error().message());
        REQUIRE(*n > 0);
        got.append(tmp, *n);
    }
    CHECK(got == "echo:abc");
    CHECK(on_loop);
    CHECK(s.server.connection_count() == 0);  // the server no longer counts it
    c.conn.close();
}

TEST_CASE("upgrade_on_loop is refused on worker threads") {
    TestServer s(handler_func([](ResponseWriter& w, Request&) {
                     auto r = w.upgrade_on_loop([](LoopUpgrade&&) {});
                     (void)w.write(r ? "accepted" : r.error().message());
                 }),
                 [](Server& cfg) { cfg.worker_threads = 1; });
    CHECK(roundtrip(s, get("/")).body.find("cannot hand over") != std::string::npos);
}

TEST_CASE("close() ends everything at once; the access log saw each response") {
    std::mutex mu;
    std::vector<std::string> lines;
    TestServer s(handler_func([](ResponseWriter& w, Request&) { (void)w.write("abc"); }),
                 [&](Server& cfg) {
                     cfg.access_log = [&](const AccessLogEntry& e) {
                         std::lock_guard lock(mu);
                         lines.push_back(std::string(e.method) + " " + std::string(e.target) + " " +
                                         std::to_string(e.status) + " " + std::to_string(e.bytes));
                     };
                 });
    Client c(s);
    c.send(get("/logged"));
    CHECK(c.read().status == 200);
    s.server.close();
    CHECK(c.closed_within(2s));
    std::lock_guard lock(mu);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "GET /logged 200 3");
}
