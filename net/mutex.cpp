#include "net/mutex.hpp"

#include <algorithm>
#include <condition_variable>

#include "net/fiber.hpp"

namespace wire::net {

// One waiting lock() on its caller's stack. unlock() sets `granted` (the lock is then theirs);
// a fiber's deadline timer takes it out of the queue instead. Whoever removes it from the queue,
// under state_mu_, owns waking it.
struct Mutex::Waiter {
    Mutex* mutex;
    Fiber* fiber;                // null: a plain thread, woken through `cv`
    std::condition_variable cv;  // threads only
    bool granted = false;
};

void Mutex::lock() {
    (void)try_lock_until(Clock::time_point::max());
}

bool Mutex::try_lock() {
    std::lock_guard guard(state_mu_);
    if (locked_) return false;
    locked_ = true;
    return true;
}

bool Mutex::try_lock_until(Clock::time_point deadline) {
    std::unique_lock guard(state_mu_);
    if (!locked_) {
        locked_ = true;
        return true;
    }
    if (Clock::now() >= deadline) return false;
    Waiter w{this, Fiber::current(), {}, false};
    waiters_.push_back(&w);
    return w.fiber != nullptr ? wait_on_fiber(w, guard, deadline) : wait(w, guard, deadline);
}

// A thread sleeps on its condition variable, as in std::mutex.
bool Mutex::wait(Waiter& w, std::unique_lock<std::mutex>& guard, Clock::time_point deadline) {
    const auto granted = [&w] { return w.granted; };
    if (deadline == Clock::time_point::max()) {  // (wait_until would overflow converting it)
        w.cv.wait(guard, granted);
        return true;
    }
    if (w.cv.wait_until(guard, deadline, granted)) return true;
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &w));
    return false;
}

// A fiber parks; its loop runs on, so a holder parked on the same loop can finish and unlock.
bool Mutex::wait_on_fiber(Waiter& w, std::unique_lock<std::mutex>& guard,
                          Clock::time_point deadline) {
    Timer timer(
        [](Timer&, void* me) {
            auto& waiter = *static_cast<Waiter*>(me);
            {
                std::lock_guard g(waiter.mutex->state_mu_);
                if (waiter.granted) return;  // unlock() got there first: its wake-up is posted
                auto& queue = waiter.mutex->waiters_;
                queue.erase(std::find(queue.begin(), queue.end(), &waiter));
            }
            waiter.fiber->resume();
        },
        &w);
    if (deadline != Clock::time_point::max()) w.fiber->loop().arm(timer, deadline);
    guard.unlock();
    Fiber::park();  // until unlock() hands us the lock or the timer gives up
    w.fiber->loop().cancel(timer);
    return w.granted;  // set under state_mu_ before the wake-up was posted
}

void Mutex::unlock() {
    std::unique_lock guard(state_mu_);
    if (waiters_.empty()) {
        locked_ = false;
        return;
    }
    // Handed over, still locked: nobody can slip in between this unlock and the waiter's wake-up.
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    if (next->fiber == nullptr) {
        next->cv.notify_one();  // under state_mu_: the waiter (and its cv) live until it sees this
        return;
    }
    Fiber* fiber = next->fiber;
    guard.unlock();
    // The fiber resumes on its own loop's thread, in a later pass (never inside this call).
    fiber->loop().post([fiber] { fiber->resume(); });
}

}  // namespace wire::net
