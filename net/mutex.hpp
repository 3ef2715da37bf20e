// Mutex: Go's sync.Mutex for code that may run on fibers (net/fiber.hpp) or on plain threads.
//
// A std::mutex blocks the whole thread. That is wrong on a fiber: the holder may be another fiber
// of the same loop, parked on a full socket while it holds the lock, and it can only go on if
// the loop's thread runs. A blocked thread never lets it: a deadlock. net::Mutex parks a waiting
// fiber instead (the loop runs on), and blocks a waiting thread as std::mutex would; fibers of
// any loop and threads may share one Mutex. Code on a loop's thread but outside a fiber (an
// IoHandler, a Timer, a posted task) is a plain thread here: it must not wait for a Mutex that a
// fiber of that loop may hold, or it blocks the loop as std::mutex would.
//
// Fair, first come first served: unlock() hands the lock straight to the oldest waiter. A
// writer that writes message after message therefore lets a waiting control frame (a pong) in
// between two messages instead of taking the lock back at once.
//
// Meets the standard Lockable and TimedLockable requirements for std::lock_guard and
// std::unique_lock. Not recursive; unlock() by the holder only.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>

namespace wire::net {

class Fiber;

class Mutex {
  public:
    using Clock = std::chrono::steady_clock;

    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock();
    bool try_lock();
    // Waits until `deadline` at most; false if the lock was not taken by then.
    bool try_lock_until(Clock::time_point deadline);
    template <class Rep, class Period>
    bool try_lock_for(std::chrono::duration<Rep, Period> d) {
        return try_lock_until(Clock::now() + std::chrono::ceil<Clock::duration>(d));
    }
    void unlock();

  private:
    struct Waiter;
    bool wait(Waiter& w, std::unique_lock<std::mutex>& guard, Clock::time_point deadline);
    bool wait_on_fiber(Waiter& w, std::unique_lock<std::mutex>& guard, Clock::time_point deadline);

    std::mutex state_mu_;          // guards the two fields below; never held while waiting
    bool locked_ = false;          // stays true while the lock passes to a waiter
    std::deque<Waiter*> waiters_;  // oldest first; each lives on its waiter's stack
};

}  // namespace wire::net
