// net::Mutex: mutual exclusion for threads and fibers alike; a waiting fiber parks (its loop runs
// on), the lock passes to waiters first come first served, timed waits give up in time.
#include "net/mutex.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "net/fiber.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

using wire::net::test::LoopThread;

namespace {

void wait_for(const std::atomic<int>& n, int value) {
    for (int i = 0; i < 5000 && n.load() < value; ++i)
        std::this_thread::sleep_for(1ms);
    REQUIRE(n.load() >= value);
}

}  // namespace

TEST_CASE("threads: one at a time") {
    Mutex mu;
    long counter = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                std::lock_guard lock(mu);
                ++counter;
            }
        });
    }
    for (auto& t : threads)
        t.join();
    CHECK(counter == 80000);
    CHECK(mu.try_lock());
    CHECK_FALSE(mu.try_lock());
    mu.unlock();
}

TEST_CASE("threads: try_lock_until gives up at its deadline") {
    Mutex mu;
    mu.lock();
    std::thread other([&] {
        const auto begin = Mutex::Clock::now();
        CHECK_FALSE(mu.try_lock_for(30ms));
        CHECK(Mutex::Clock::now() - begin >= 30ms);
    });
    other.join();
    mu.unlock();
    CHECK(mu.try_lock());  // the waiter that gave up left the queue
    mu.unlock();
}

TEST_CASE("fibers of one loop: a waiter parks while the holder, parked too, keeps the lock") {
    LoopThread lt;
    Mutex mu;
    std::atomic<int> ticks{0}, done{0}, ticks_while_held{0}, ticker_ended{0};
    std::vector<int> order;  // loop thread only
    std::atomic<bool> holder_in{false};
    go(lt.loop, [&] {
        std::lock_guard lock(mu);
        holder_in = true;
        // Parked, holding the lock, until the ticker below has run: it starts after the three
        // waiters, so it only ticks if their parking left the loop free. Bounded, not timed.
        for (int i = 0; i < 5000 && ticks.load() < 3; ++i)
            this_fiber::sleep_for(1ms);
        ticks_while_held = ticks.load();
        order.push_back(0);
        ++done;
    });
    while (!holder_in)
        std::this_thread::sleep_for(1ms);
    for (int i = 1; i <= 3; ++i) {
        go(lt.loop, [&, i] {
            std::lock_guard lock(mu);  // parks: a blocked thread would freeze the holder
            order.push_back(i);
            ++done;
        });
    }
    go(lt.loop, [&] {  // the loop runs what go() hands it in order: the waiters first
        for (int i = 0; i < 20; ++i) {
            ++ticks;
            this_fiber::sleep_for(1ms);
        }
        ++ticker_ended;
    });
    wait_for(done, 4);
    wait_for(ticker_ended, 1);  // a fiber still sleeping when the loop stops would never end
    CHECK(ticks_while_held.load() >= 3);
    std::promise<std::vector<int>> seen;
    lt.loop.post([&] { seen.set_value(order); });
    CHECK(seen.get_future().get() == std::vector<int>{0, 1, 2, 3});  // first come, first served
}

TEST_CASE("fibers: try_lock_until gives up at its deadline and leaves the queue") {
    LoopThread lt;
    Mutex mu;
    mu.lock();  // held by this thread
    std::promise<bool> got;
    std::promise<Mutex::Clock::duration> waited;
    go(lt.loop, [&] {
        const auto begin = Mutex::Clock::now();
        got.set_value(mu.try_lock_until(begin + 30ms));
        waited.set_value(Mutex::Clock::now() - begin);
    });
    CHECK_FALSE(got.get_future().get());
    CHECK(waited.get_future().get() >= 30ms);
    mu.unlock();
    CHECK(mu.try_lock());  // nobody left waiting to hand it to
    mu.unlock();
}

TEST_CASE("a thread and a fiber pass the lock both ways") {
    LoopThread lt;
    Mutex mu;
    std::atomic<int> step{0};
    mu.lock();
    go(lt.loop, [&] {
        ++step;
        mu.lock();  // waits for the thread
        step = 2;
        this_fiber::sleep_for(20ms);
        mu.unlock();
    });
    wait_for(step, 1);
    std::this_thread::sleep_for(10ms);
    CHECK(step.load() == 1);
    mu.unlock();  // hands it to the fiber
    wait_for(step, 2);
    mu.lock();  // waits for the fiber
    CHECK(step.load() == 2);
    mu.unlock();
}
