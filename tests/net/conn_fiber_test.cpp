// net::Conn and Listener::accept_wait on fibers: the same blocking calls, parked on a loop.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "net/conn.hpp"
#include "net/error.hpp"
#include "net/fiber.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

using wire::net::test::LoopThread;

namespace {

// Fibers on a loop run by this thread: wait() returns when the last one has ended.
struct Fibers {
    EventLoop loop;
    int live = 0;
    template <class F>
    void go(F body) {
        ++live;
        wire::net::go(loop, [this, body]() mutable {
            body();
            if (--live == 0) loop.stop();
        });
    }
    void wait() { REQUIRE_FALSE(loop.run()); }
};

// Writes `text` and reads it back whole.
bool round_trip(Conn& c, const std::string& text) {
    if (!c.write(text)) return false;
    std::string got(text.size(), '\0');
    for (std::size_t have = 0; have < got.size();) {
        auto n = c.read(got.data() + have, got.size() - have);
        if (!n || *n == 0) return false;
        have += *n;
    }
    return got == text;
}

void echo(Conn& c) {
    char buf[4096];
    for (;;) {
        auto n = c.read(buf, sizeof buf);
        if (!n || *n == 0 || !c.write(buf, *n)) return;
    }
}

double thread_cpu_ms() {
    rusage u{};
    ::getrusage(RUSAGE_THREAD, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

}  // namespace

TEST_CASE("fibers echo for many connections on one loop thread: acceptor, servers and clients") {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    constexpr int clients = 50, rounds = 40;
    std::vector<Conn> dialled;
    for (int i = 0; i < clients; ++i) {
        auto c = dial(listener->address(), 5s);
        REQUIRE(c);
        dialled.push_back(std::move(*c));
    }
    Fibers fibers;
    int echoed_ok = 0;
    std::vector<std::unique_ptr<Conn>> served;
    fibers.go([&] {  // the acceptor: Listener::accept_wait parks too
        for (int i = 0; i < clients; ++i) {
            auto s = listener->accept_wait(5s);
            if (!s) return;
            served.push_back(std::make_unique<Conn>(std::move(*s)));
            fibers.go([c = served.back().get()] { echo(*c); });
        }
    });
    for (auto& c : dialled) {
        fibers.go([&c, &echoed_ok] {
            for (int r = 0; r < rounds; ++r) {
                if (!round_trip(c, "message " + std::to_string(r))) return;
            }
            ++echoed_ok;
            (void)c.shutdown_write();  // the server's echo fiber reads EOF and ends
        });
    }
    fibers.wait();
    CHECK(echoed_ok == clients);
}

TEST_CASE("a fiber's writer and reader share a Conn; big writes park until the peer drains") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& client = pair.first;
    Conn& server = pair.second;
    int small = 16 * 1024;
    setsockopt(client.socket().fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    constexpr std::size_t total = 4u << 20;
    Fibers fibers;
    std::size_t received = 0;
    bool intact = true;
    fibers.go([&s = server] {
        echo(s);
        (void)s.shutdown_write();  // the client's reader sees the end too
    });
    fibers.go([&c = client] {  // writer
        std::string chunk(64 * 1024, '\0');
        for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
            for (std::size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = static_cast<char>((sent + i) % 251);
            if (!c.write(chunk)) return;
        }
        (void)c.shutdown_write();
    });
    fibers.go([&] {  // reader of the same Conn, on the same loop
        char buf[7919];
        for (;;) {
            auto n = client.read(buf, sizeof buf);
            if (!n || *n == 0) return;
            for (std::size_t i = 0; i < *n; ++i)
                intact = intact && buf[i] == static_cast<char>((received + i) % 251);
            received += *n;
        }
    });
    fibers.wait();
    CHECK(received == total);
    CHECK(intact);
}

TEST_CASE("a read deadline in a fiber fires within bounds and the loop goes on meanwhile") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& server = pair.second;
    Fibers fibers;
    std::error_code result;
    Conn::Clock::duration took{};
    int ticks = 0;
    bool done = false;
    fibers.go([&] {
        char buf[8];
        const auto start = Conn::Clock::now();
        server.set_read_deadline(start + 100ms);
        result = server.read(buf, sizeof buf).error();
        took = Conn::Clock::now() - start;
        done = true;
    });
    fibers.go([&] {
        while (!done) {
            ++ticks;
            wire::net::this_fiber::sleep_for(5ms);
        }
    });
    fibers.wait();
    CHECK(result == Error::timeout);
    CHECK(took >= 100ms);
    CHECK(took < 2s);
    CHECK(ticks >= 3);
}

TEST_CASE("an old deadline's timer wakes a later wait spuriously: the read just goes on") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& client = pair.first;
    Conn& server = pair.second;
    Fibers fibers;
    std::string got;
    fibers.go([&] {
        server.set_read_deadline(Conn::Clock::now() + 30ms);  // arms a loop timer...
        char buf[8];
        CHECK_FALSE(server.read(buf, 0));             // (an empty read does not wait)
        server.set_read_deadline(Conn::no_deadline);  // ...that this wait outlives
        auto n = server.read(buf, sizeof buf);
        if (n) got.assign(buf, *n);
    });
    fibers.go([&] {
        wire::net::this_fiber::sleep_for(80ms);  // the stale timer has fired by now
        (void)client.write("late");
    });
    fibers.wait();
    CHECK(got == "late");
}

TEST_CASE("a write deadline in a fiber fires when the peer does not read") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& server = pair.second;
    Fibers fibers;
    std::error_code result;
    fibers.go([&] {
        server.set_write_deadline(Conn::Clock::now() + 50ms);
        const std::string chunk(1 << 20, 'x');
        for (;;) {
            auto n = server.write(chunk);
            if (!n) {
                result = n.error();
                return;
            }
        }
    });
    fibers.wait();
    CHECK(result == Error::timeout);
}

TEST_CASE("a deadline set from another thread cancels a read parked in a fiber") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& server = pair.second;
    std::promise<std::error_code> result;
    std::atomic<bool> parked{false};
    {
        LoopThread lt;
        go(lt.loop, [&] {
            char buf[8];
            parked = true;
            result.set_value(server.read(buf, sizeof buf).error());
        });
        while (!parked)
            std::this_thread::sleep_for(1ms);
        std::this_thread::sleep_for(20ms);  // let it park
        const auto set_at = Conn::Clock::now();
        server.set_read_deadline(set_at);
        auto f = result.get_future();
        REQUIRE(f.wait_for(2s) == std::future_status::ready);
        CHECK(f.get() == Error::timeout);
        CHECK(Conn::Clock::now() - set_at < 2s);
    }
}

TEST_CASE("close from another thread fails a read parked in a fiber with Error::closed") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& server = pair.second;
    std::promise<std::error_code> result;
    LoopThread lt;
    go(lt.loop, [&] {
        char buf[8];
        result.set_value(server.read(buf, sizeof buf).error());
    });
    std::this_thread::sleep_for(30ms);
    CHECK_FALSE(server.close());
    auto f = result.get_future();
    REQUIRE(f.wait_for(2s) == std::future_status::ready);
    CHECK(f.get() == Error::closed);
}

TEST_CASE("one reader fiber and one writer thread on the same Conn (gorilla's pattern)") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& client = pair.first;
    Conn& server = pair.second;
    LoopThread lt;
    std::promise<std::size_t> read_total;
    go(lt.loop, [&] {
        char buf[1000];
        std::size_t total = 0;
        for (;;) {
            auto n = server.read(buf, sizeof buf);
            if (!n || *n == 0) break;
            total += *n;
        }
        read_total.set_value(total);
    });
    std::thread writer([&] {  // a plain thread writes on the same Conn: it blocks in ppoll
        const std::string chunk(10000, 'y');
        for (int i = 0; i < 100; ++i)
            if (!server.write(chunk)) return;
    });
    std::size_t drained = 0;
    char buf[65536];
    while (drained < 1000000) {
        auto n = client.read(buf, sizeof buf);
        REQUIRE(n);
        drained += *n;
    }
    writer.join();
    REQUIRE(client.write("the end"));
    (void)client.shutdown_write();
    auto f = read_total.get_future();
    REQUIRE(f.wait_for(2s) == std::future_status::ready);
    CHECK(f.get() == 7);
}

TEST_CASE("a Conn a fiber used, destroyed on another thread: the loop closes its descriptor") {
    LoopThread lt;
    const int before = test::open_fd_count();
    {
        auto conns = std::make_unique<std::pair<Conn, Conn>>(test::conn_pair());
        std::promise<bool> echoed;
        go(lt.loop, [&] { echoed.set_value(round_trip(conns->first, "hello")); });
        std::thread peer([&] { echo(conns->second); });
        auto f = echoed.get_future();
        REQUIRE(f.wait_for(2s) == std::future_status::ready);
        CHECK(f.get());
        (void)conns->first.shutdown_write();
        peer.join();
        conns.reset();  // this thread is not the loop's: the fd is handed to the loop
        for (int i = 0; i < 200 && test::open_fd_count() > before; ++i)
            std::this_thread::sleep_for(5ms);
        CHECK(test::open_fd_count() == before);
    }
    CHECK(test::open_fd_count() == before);
}

TEST_CASE("release: on the loop's thread the socket leaves the loop; elsewhere a duplicate") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& client = pair.first;
    Conn& server = pair.second;
    SUBCASE("on the loop's thread") {
        Fibers fibers;
        bool added = false;
        fibers.go([&] {
            REQUIRE(round_trip(client, "x") == false);  // nobody echoes: just park on it...
        });
        fibers.go([&] {
            char buf[1];
            (void)client.write("y");
            REQUIRE(server.read(buf, 1));  // ...server reads in a fiber: registered
            Socket s = server.release();
            // Registered still, this add would fail with EEXIST.
            struct Nop final : IoHandler {
                void on_readable() override {}
                void on_error() override {}
            } nop;
            added = !fibers.loop.add(s.fd(), Interest::none, &nop);
            (void)fibers.loop.remove(s.fd());
            client.close();  // ends the first fiber
        });
        fibers.wait();
        CHECK(added);
    }
    SUBCASE("on another thread") {
        std::promise<bool> read_ok;
        {
            LoopThread lt;
            go(lt.loop, [&] {
                char buf[1];
                read_ok.set_value(server.read(buf, 1).value_or(0) == 1);
            });
            REQUIRE(client.write("z"));
            auto f = read_ok.get_future();
            REQUIRE(f.wait_for(2s) == std::future_status::ready);
            CHECK(f.get());
            Socket s = server.release();  // a duplicate: still the same connection
            REQUIRE(s.valid());
            REQUIRE(s.write("back"));
        }
        char buf[8];
        auto n = client.read(buf, sizeof buf);
        REQUIRE(n);
        CHECK(std::string(buf, *n) == "back");
    }
}

TEST_CASE("unread bytes and no fiber waiting: the loop stops listening instead of spinning") {
    auto pair = test::conn_pair();  // (clang 14 cannot capture structured bindings)
    Conn& client = pair.first;
    Conn& server = pair.second;
    Fibers fibers;
    double cpu_ms = 0;
    fibers.go([&] {
        char buf[1];
        (void)client.write("a");
        REQUIRE(server.read(buf, 1));  // registered for reading
        (void)client.write("more bytes nobody reads for a while");
        const double before = thread_cpu_ms();
        wire::net::this_fiber::sleep_for(200ms);
        cpu_ms = thread_cpu_ms() - before;
    });
    fibers.wait();
    CHECK(cpu_ms < 100);  // a spinning loop would use the whole 200 ms
}

TEST_CASE("Listener::accept_wait in a fiber: a timeout within bounds, then a connection") {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    Fibers fibers;
    std::error_code first;
    bool accepted = false;
    Conn::Clock::duration took{};
    fibers.go([&] {
        const auto start = Conn::Clock::now();
        first = listener->accept_wait(50ms).error();
        took = Conn::Clock::now() - start;
        auto s = listener->accept_wait(5s);
        accepted = s.has_value();
    });
    fibers.go([&] {
        wire::net::this_fiber::sleep_for(100ms);
        auto c = dial(listener->address(), 5s);  // loopback connect: completes at once
        CHECK(c);
    });
    fibers.wait();
    CHECK(first == Error::timeout);
    CHECK(took >= 50ms);
    CHECK(took < 2s);
    CHECK(accepted);
}

TEST_CASE("Listener::close from another fiber ends a fiber's accept_wait with Error::closed") {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    Fibers fibers;
    std::error_code result;
    fibers.go([&] { result = listener->accept_wait().error(); });
    fibers.go([&] {
        wire::net::this_fiber::yield();  // the acceptor parks first
        (void)listener->close();
    });
    fibers.wait();
    CHECK(result == Error::closed);
}
