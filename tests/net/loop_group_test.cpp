#include "net/loop_group.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "net/dial.hpp"
#include "net/error.hpp"
#include "net/listener.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

TEST_CASE("LoopGroup runs one loop per thread and stops them all") {
    LoopGroup group(3);
    CHECK(group.size() == 3);
    group.start();
    std::mutex mu;
    std::set<std::thread::id> threads;
    std::atomic<int> done{0};
    for (std::size_t i = 0; i < group.size(); ++i) {
        group.loop(i).post([&, i] {
            CHECK(EventLoop::current() == &group.loop(i));
            std::lock_guard lock(mu);
            threads.insert(std::this_thread::get_id());
            ++done;
        });
    }
    for (int i = 0; i < 500 && done < 3; ++i)
        std::this_thread::sleep_for(2ms);
    group.stop();
    group.wait();
    CHECK(done == 3);
    CHECK(threads.size() == 3);
    CHECK(threads.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("SO_REUSEPORT listeners, one per loop: the kernel spreads connections over loops") {
    LoopGroup group(2);
    auto listeners = listen_reuse_port(Address::ipv4_loopback(0), group.size());
    REQUIRE(listeners);
    const Address where = (*listeners)[0].address();
    struct Acceptor final : IoHandler {
        Listener listener;
        std::atomic<int> accepted{0};
        void on_readable() override {
            while (auto s = listener.accept())
                ++accepted;  // and drop it
        }
        void on_error() override {}
    };
    Acceptor acceptors[2];
    for (std::size_t i = 0; i < 2; ++i) {
        acceptors[i].listener = std::move((*listeners)[i]);
        REQUIRE_FALSE(
            group.loop(i).add(acceptors[i].listener.fd(), Interest::readable, &acceptors[i]));
    }
    group.start();
    for (int i = 0; i < 40; ++i)
        REQUIRE(dial(where, 5s));
    for (int i = 0; i < 500 && acceptors[0].accepted + acceptors[1].accepted < 40; ++i) {
        std::this_thread::sleep_for(2ms);
    }
    group.stop();
    group.wait();
    CHECK(acceptors[0].accepted + acceptors[1].accepted == 40);
    // Hashing by source port: all 40 on one listener has probability 2^-39.
    CHECK(acceptors[0].accepted > 0);
    CHECK(acceptors[1].accepted > 0);
}

TEST_CASE("LoopGroup::next goes round robin") {
    LoopGroup group(2);
    EventLoop* a = &group.next();
    EventLoop* b = &group.next();
    CHECK(a != b);
    CHECK(&group.next() == a);
}

TEST_CASE("LoopGroup::stop_on_signals: SIGTERM to the process stops every loop") {
    // Safety net: should a thread without the signal blocked exist, it ignores SIGTERM instead of
    // ending the test binary (blocked signals are never discarded, so the signalfd still sees it).
    auto old = ::signal(SIGTERM, SIG_IGN);
    sigset_t old_mask;
    ::pthread_sigmask(SIG_SETMASK, nullptr, &old_mask);
    {
        LoopGroup group(2);
        REQUIRE_FALSE(group.stop_on_signals());
        group.start();
        ::kill(::getpid(), SIGTERM);
        const auto start = EventLoop::Clock::now();
        group.wait();  // returns only if the signal stopped both loops
        CHECK(EventLoop::Clock::now() - start < 5s);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    ::signal(SIGTERM, old);
}
