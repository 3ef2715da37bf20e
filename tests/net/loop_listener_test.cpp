// LoopListener and EventLoop::add_exclusive: several loops accepting from one listening socket.
#include "net/loop_listener.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

struct Accepting;

// One loop's acceptor, the shape of the servers' own: a bounded batch, each connection kept or
// passed to the loop assign() names, then end_batch. It holds its connections (loop thread only)
// and counts them for the test thread.
struct Acceptor final : IoHandler {
    Acceptor(Accepting& g, EventLoop& l, Listener li, std::size_t index,
             std::shared_ptr<AcceptBalance> balance)
        : group(g), loop(l), listener(l, std::move(li), index, std::move(balance)) {}
    void on_readable() override;
    void on_error() override {}
    void keep(Socket s) {
        held.push_back(std::move(s));
        ++served;
    }

    Accepting& group;
    EventLoop& loop;
    LoopListener listener;
    std::vector<Socket> held;
    std::atomic<int> took{0};    // accepted by this loop
    std::atomic<int> passed{0};  // of those, passed to another loop
    std::atomic<int> served{0};  // held by this loop
};

// A LoopGroup whose loops all accept from one address, shared (listen_shared) or SO_REUSEPORT.
struct Accepting {
    Accepting(std::size_t loops, bool reuse_port) : group(loops) {
        auto ls = reuse_port ? listen_reuse_port(Address::ipv4_loopback(0), loops)
                             : listen_shared(Address::ipv4_loopback(0), loops);
        REQUIRE(ls);
        where = (*ls)[0].address();
        if (!reuse_port && loops > 1) balance = std::make_shared<AcceptBalance>(loops);
        for (std::size_t i = 0; i < loops; ++i) {
            acceptors.push_back(
                std::make_unique<Acceptor>(*this, group.loop(i), std::move((*ls)[i]), i, balance));
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
    int served() const {
        int n = 0;
        for (const auto& a : acceptors)
            n += a->served;
        return n;
    }
    bool wait_served(int n) const {
        for (int i = 0; i < 2500 && served() < n; ++i)
            std::this_thread::sleep_for(2ms);
        return served() == n;
    }

    LoopGroup group;
    Address where;
    std::shared_ptr<AcceptBalance> balance;
    std::vector<std::unique_ptr<Acceptor>> acceptors;
};

void Acceptor::on_readable() {
    std::size_t n = 0;
    while (n < listener.batch()) {
        auto s = listener.accept();
        if (!s) break;
        ++n;
        ++took;
        const std::size_t owner = listener.assign();
        if (owner == listener.index()) {
            keep(std::move(*s));
            continue;
        }
        ++passed;
        Acceptor* to = group.acceptors[owner].get();
        auto moving = std::make_shared<Socket>(std::move(*s));
        to->loop.post([to, moving] { to->keep(std::move(*moving)); });
    }
    listener.end_batch(n);
}

// Connections one after the other, each served before the next is dialled, appended to
// `clients` (kept open): `n` of them, or with n == 0 until every loop has accepted one (at most
// 256; a loop thread that starts late finds the earlier connections taken by the others).
void dial_one_by_one(Accepting& a, std::vector<Conn>& clients, int n) {
    const auto all_loops = [&] {
        for (const auto& x : a.acceptors) {
            if (x->took == 0) return false;
        }
        return true;
    };
    for (int i = 0; n > 0 ? i < n : i < 256 && !all_loops(); ++i) {
        auto c = dial(a.where, 5s);
        REQUIRE(c);
        clients.push_back(std::move(*c));
        REQUIRE(a.wait_served(static_cast<int>(clients.size())));
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
        out += std::to_string(x->took.load()) + "/" + std::to_string(x->served.load()) + " ";
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

// The spread of what the loops hold: largest minus smallest.
int served_spread(const Accepting& a) {
    int low = a.acceptors[0]->served, high = low;
    for (const auto& x : a.acceptors) {
        low = std::min(low, x->served.load());
        high = std::max(high, x->served.load());
    }
    return high - low;
}

TEST_CASE("one socket shared by 4 loops: each connection wakes one loop, and they take turns") {
    constexpr int n = 64;
    Accepting a(4, /*reuse_port=*/false);
    std::vector<Conn> clients;
    dial_one_by_one(a, clients, 0);
    MESSAGE("connections until every loop had taken one: " << clients.size());
    // Every loop is running now. Each steps to the back of the queue after accepting, so
    // connections that find the loops idle go round them: every loop takes some itself (without
    // requeue the first loop registered would take them all and pass three in four on).
    std::vector<int> took_before;
    for (const auto& x : a.acceptors)
        took_before.push_back(x->took);
    const long before = sleeps(a);
    dial_one_by_one(a, clients, n);
    const long woke = sleeps(a) - before - 4;  // minus the posts that asked for the thread ids
    MESSAGE("took/served per loop: " << spread(a) << "loop wake-ups for " << n << ": " << woke);
    for (std::size_t i = 0; i < a.acceptors.size(); ++i)
        CHECK(a.acceptors[i]->took - took_before[i] >= 1);
    // No thundering herd: registered plainly, all four loops would wake for each connection
    // (about 4 * n wake-ups; three find it taken). A few extra come from a loop busy as one
    // arrived, which finds it in its ready list and loses the race, and from connections passed
    // on to a loop that started late.
    CHECK(woke < 2 * n);
    CHECK(served_spread(a) <= static_cast<int>(AcceptBalance::slack) + 1);
}

TEST_CASE("one socket shared by 2 loops: a burst of connections is all accepted, spread evenly") {
    constexpr int n = 200;
    Accepting a(2, /*reuse_port=*/false);
    std::vector<Conn> clients;
    for (int i = 0; i < n; ++i) {
        auto c = dial(a.where, 5s);
        REQUIRE(c);
        clients.push_back(std::move(*c));
    }
    REQUIRE(a.wait_served(n));
    MESSAGE("took/served per loop: " << spread(a));
    CHECK(served_spread(a) <= static_cast<int>(AcceptBalance::slack) + 1);
}

TEST_CASE("a loop busy while a burst arrives still gets its share, passed on by the other") {
    constexpr int n = 40;
    Accepting a(2, /*reuse_port=*/false);
    // Loop 1 is stuck in a task (as a loop is that waits for a CPU): only loop 0 accepts.
    std::atomic<bool> release{false};
    a.group.loop(1).post([&release] {
        for (int i = 0; i < 5000 && !release; ++i)
            std::this_thread::sleep_for(2ms);
    });
    std::vector<Conn> clients;
    for (int i = 0; i < n; ++i) {
        auto c = dial(a.where, 5s);
        REQUIRE(c);
        clients.push_back(std::move(*c));
    }
    for (int i = 0; i < 2500 && a.acceptors[0]->took < n; ++i)
        std::this_thread::sleep_for(2ms);
    CHECK(a.acceptors[0]->took == n);
    release = true;
    REQUIRE(a.wait_served(n));
    MESSAGE("took/served per loop: " << spread(a));
    CHECK(a.acceptors[0]->passed >= n / 2 - 2);
    CHECK(served_spread(a) <= static_cast<int>(AcceptBalance::slack) + 1);
    CHECK(a.balance->assigned(0) + a.balance->assigned(1) == n);
}

TEST_CASE("SO_REUSEPORT sockets, one per loop: connections hash over the loops") {
    constexpr int n = 64;
    Accepting a(4, /*reuse_port=*/true);
    std::vector<Conn> clients;
    dial_one_by_one(a, clients, n);
    MESSAGE("took/served per loop: " << spread(a));
    // Hashing by source port: one loop left out of 64 has probability about 4 * (3/4)^64.
    for (const auto& x : a.acceptors) {
        CHECK(x->took >= 1);
        CHECK(x->passed == 0);  // nothing to balance: the kernel chose
    }
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
