// LoopListener and EventLoop::add_exclusive: several loops accepting from one listening socket.
#include "net/loop_listener.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/dial.hpp"
#include "net/error.hpp"
#include "net/loop_group.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

namespace {

// One loop's acceptor, the shape of the servers' own: a bounded batch, then end_batch. It holds
// what it accepts (loop thread only) and counts it for the test thread.
struct Acceptor final : IoHandler {
    Acceptor(EventLoop& loop, Listener l, bool shared) : listener(loop, std::move(l), shared) {}
    void on_readable() override {
        std::size_t n = 0;
        while (n < listener.batch()) {
            auto s = listener.accept();
            if (!s) break;
            held.push_back(std::move(*s));
            ++n;
        }
        listener.end_batch(n);
        accepted += static_cast<int>(n);  // after end_batch: the test dials on when it sees this
    }
    void on_error() override {}

    LoopListener listener;
    std::vector<Socket> held;
    std::atomic<int> accepted{0};
};

// A LoopGroup whose loops all accept from one address, shared (listen_shared) or SO_REUSEPORT.
struct Accepting {
    Accepting(std::size_t loops, bool reuse_port) : group(loops) {
        auto ls = reuse_port ? listen_reuse_port(Address::ipv4_loopback(0), loops)
                             : listen_shared(Address::ipv4_loopback(0), loops);
        REQUIRE(ls);
        where = (*ls)[0].address();
        for (std::size_t i = 0; i < loops; ++i) {
            acceptors.push_back(std::make_unique<Acceptor>(group.loop(i), std::move((*ls)[i]),
                                                           !reuse_port && loops > 1));
            // Before start(): no loop thread runs yet.
            REQUIRE_FALSE(acceptors.back()->listener.start(acceptors.back().get()));
        }
        group.start();
    }
    ~Accepting() {
        group.stop();
        group.wait();
        acceptors.clear();  // unregisters while the loops still exist
    }
    int accepted() const {
        int n = 0;
        for (const auto& a : acceptors)
            n += a->accepted;
        return n;
    }
    bool wait_accepted(int n) const {
        for (int i = 0; i < 2500 && accepted() < n; ++i)
            std::this_thread::sleep_for(2ms);
        return accepted() == n;
    }

    LoopGroup group;
    Address where;
    std::vector<std::unique_ptr<Acceptor>> acceptors;
};

// Connections one after the other, each accepted before the next is dialled, appended to
// `clients` (kept open): `n` of them, or with n == 0 until every loop has accepted one (at most
// 256; a loop thread that starts late finds the earlier connections taken by the others).
void dial_one_by_one(Accepting& a, std::vector<Conn>& clients, int n) {
    const auto all_loops = [&] {
        for (const auto& x : a.acceptors) {
            if (x->accepted == 0) return false;
        }
        return true;
    };
    for (int i = 0; n > 0 ? i < n : i < 256 && !all_loops(); ++i) {
        auto c = dial(a.where, 5s);
        REQUIRE(c);
        clients.push_back(std::move(*c));
        REQUIRE(a.wait_accepted(static_cast<int>(clients.size())));
    }
}

// How often the loops' threads went to sleep (voluntary context switches, from /proc): each time
// an idle loop wakes it sleeps again once, so this counts wake-ups, even those that found nothing.
long sleeps(Accepting& a) {
    long total = 0;
    for (std::size_t i = 0; i < a.group.size(); ++i) {
        std::atomic<pid_t> tid{0};
        a.group.loop(i).post([&tid] { tid = static_cast<pid_t>(::gettid()); });
        for (int k = 0; k < 2500 && tid == 0; ++k)
            std::this_thread::sleep_for(2ms);
        REQUIRE(tid != 0);
        std::ifstream status("/proc/self/task/" + std::to_string(tid.load()) + "/status");
        std::string line;
        while (std::getline(status, line)) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0) total += std::stol(line.substr(24));
        }
    }
    return total;
}

std::string spread(const Accepting& a) {
    std::string out;
    for (const auto& x : a.acceptors)
        out += std::to_string(x->accepted.load()) + " ";
    return out;
}

}  // namespace

TEST_CASE("add_exclusive: readable or nothing; modify and requeue re-register") {
    EventLoop loop;
    auto l = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(l);
    struct Counter final : IoHandler {
        Listener* listener = nullptr;
        int accepted = 0;
        void on_readable() override {
            while (listener->accept())
                ++accepted;
        }
        void on_error() override {}
    } counter;
    counter.listener = &*l;
    // Runs the loop for `d`, then stops it.
    const auto run_for = [&](std::chrono::milliseconds d) {
        Timer stop([](Timer&, void* lp) { static_cast<EventLoop*>(lp)->stop(); }, &loop);
        loop.arm_after(stop, d);
        REQUIRE_FALSE(loop.run());
    };
    REQUIRE_FALSE(loop.add_exclusive(l->fd(), &counter));
    CHECK(loop.interest(l->fd()) == Interest::readable);
    CHECK(loop.modify(l->fd(), Interest::writable) == std::errc::invalid_argument);
    CHECK(loop.modify(l->fd(), Interest::both) == std::errc::invalid_argument);

    REQUIRE_FALSE(loop.modify(l->fd(), Interest::none));  // out of epoll
    CHECK_FALSE(loop.requeue(l->fd()));                   // nothing to do while off
    auto c1 = dial(l->address(), 5s);
    REQUIRE(c1);
    run_for(50ms);
    CHECK(counter.accepted == 0);
    REQUIRE_FALSE(loop.modify(l->fd(), Interest::readable));  // back: the waiting one is seen
    run_for(50ms);
    CHECK(counter.accepted == 1);

    REQUIRE_FALSE(loop.requeue(l->fd()));
    auto c2 = dial(l->address(), 5s);
    REQUIRE(c2);
    run_for(50ms);
    CHECK(counter.accepted == 2);
    // requeue is for exclusive registrations only.
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    Socket a(sv[0]), b(sv[1]);
    REQUIRE_FALSE(loop.add(a.fd(), Interest::readable, &counter));
    CHECK(loop.requeue(a.fd()) == std::errc::bad_file_descriptor);
    REQUIRE_FALSE(loop.remove(a.fd()));
    // remove works whether registered or switched off.
    REQUIRE_FALSE(loop.modify(l->fd(), Interest::none));
    CHECK_FALSE(loop.remove(l->fd()));
    CHECK(loop.interest(l->fd()) == Interest::none);
}

TEST_CASE(
    "one socket shared by 4 loops: each connection wakes one loop, and every loop gets some") {
    constexpr int n = 64;
    Accepting a(4, /*reuse_port=*/false);
    std::vector<Conn> clients;
    // Each loop steps to the back of the queue after accepting, so connections that find the
    // loops idle go round them (without requeue the first loop registered would take them all).
    dial_one_by_one(a, clients, 0);
    MESSAGE("connections until every loop had one: " << clients.size());
    for (const auto& x : a.acceptors)
        CHECK(x->accepted >= 1);
    // Every loop is running now. No thundering herd: registered plainly, all four loops would
    // wake for each connection (about 4 * n wake-ups; three find it taken). A few extra may come
    // from a loop busy as one arrived, which finds it in its ready list and loses the race.
    const long before = sleeps(a);
    dial_one_by_one(a, clients, n);
    const long woke = sleeps(a) - before - 4;  // minus the posts that asked for the thread ids
    MESSAGE("accepted per loop: " << spread(a) << "loop wake-ups for " << n << ": " << woke);
    CHECK(woke < 2 * n);
}

TEST_CASE("one socket shared by 2 loops: a burst of connections is all accepted, by both") {
    constexpr int n = 200;
    Accepting a(2, /*reuse_port=*/false);
    std::vector<Conn> clients;
    for (int i = 0; i < n; ++i) {
        auto c = dial(a.where, 5s);
        REQUIRE(c);
        clients.push_back(std::move(*c));
    }
    REQUIRE(a.wait_accepted(n));
    MESSAGE("accepted per loop: " << spread(a));
}

TEST_CASE("SO_REUSEPORT sockets, one per loop: connections hash over the loops") {
    constexpr int n = 64;
    Accepting a(4, /*reuse_port=*/true);
    std::vector<Conn> clients;
    dial_one_by_one(a, clients, n);
    MESSAGE("accepted per loop: " << spread(a));
    // Hashing by source port: one loop left out of 64 has probability about 4 * (3/4)^64.
    for (const auto& x : a.acceptors)
        CHECK(x->accepted >= 1);
}

TEST_CASE("shared or SO_REUSEPORT: each loop closes its own descriptor; then the port is free") {
    for (const bool reuse_port : {false, true}) {
        CAPTURE(reuse_port);
        Accepting a(3, reuse_port);
        std::vector<Conn> clients;
        dial_one_by_one(a, clients, 6);
        // Loop by loop, on each loop's thread, as a server's shutdown does.
        std::atomic<int> closed{0};
        for (std::size_t i = 0; i < a.acceptors.size(); ++i) {
            Acceptor* acc = a.acceptors[i].get();
            a.group.loop(i).post([acc, &closed] {
                acc->listener.close();
                acc->listener.close();  // twice is fine
                ++closed;
            });
            for (int k = 0; k < 2500 && closed < static_cast<int>(i) + 1; ++k)
                std::this_thread::sleep_for(2ms);
            REQUIRE(closed == static_cast<int>(i) + 1);
            // While any loop still has its descriptor the port is held.
            if (i + 1 < a.acceptors.size()) CHECK_FALSE(Listener::listen(a.where));
        }
        CHECK_FALSE(dial(a.where, 5s));  // refused
        CHECK(Listener::listen(a.where));
    }
}
