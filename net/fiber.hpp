// Fiber and go(): blocking code that runs M:N on event loops, what Go's runtime does for
// goroutines.
//
// A thread per connection is the simplest way to write a server: read, handle, write, in a loop.
// Its price is the kernel: every time a connection waits, its thread sleeps in the kernel and the
// scheduler switches threads (on a small echo, a third of the CPU). Go keeps the simple code and
// drops the price: a goroutine that would block is parked by the runtime, which switches to
// another goroutine in user space and asks epoll (the "netpoller") which parked ones can go on.
//
// A Fiber is that, on wire's EventLoop:
//  - its own stack (mmap'd, default 64 KiB, with a guard page below it so an overflow faults
//    instead of corrupting memory) and a saved context (net/detail/context.hpp);
//  - go(loop, f) runs f on a new fiber on that loop's thread. M fibers share the loop's thread;
//    a LoopGroup gives N threads: M:N;
//  - code on a fiber blocks as usual: net::Conn and Listener::accept_wait notice they run on a
//    fiber and, instead of sleeping in the kernel, register the socket with the loop and park
//    the fiber (net/detail/poll_desc.hpp). The loop resumes it when the socket is ready, its
//    deadline passes or another thread closes the Conn or moves its deadline.
//
// Rules (Go has the same ones, enforced by its runtime rather than by the reader):
//  - A fiber never leaves its loop's thread, so thread_local and thread ids stay put.
//  - A fiber must not block its thread in other ways: sleeping, a std::mutex held by a fiber
//    that is parked (a deadlock on a one-thread loop), a std::condition_variable. Use
//    this_fiber::sleep_for and net::Mutex (net/mutex.hpp: it parks a waiting fiber), or hand
//    such work to a plain thread. websocket::Conn uses net::Mutex, so gorilla's shape, a reader
//    and a writer fiber on one Conn, works on one loop.
//  - An exception that escapes a fiber's function calls std::terminate, as for std::thread (and a
//    panic in a goroutine): the stack is left intact for the debugger.
//  - Fibers still parked when their loop is destroyed are never resumed: their stacks and what
//    they hold are leaked, like goroutines blocked at exit. End them first (close their Conns).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "net/detail/context.hpp"
#include "net/event_loop.hpp"

namespace wire::net {

struct FiberOptions {
    // Usable stack (rounded up to pages; one guard page is added below). Memory is committed
    // only as the stack is touched, so a fiber that stays shallow costs a few pages.
    std::size_t stack_size = 64 * 1024;
};

class Fiber {
  public:
    // Use go(); public for make_shared. Maps the stack (throws std::bad_alloc when it cannot).
    Fiber(EventLoop& loop, std::function<void()> body, const FiberOptions& options);
    ~Fiber();
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    // The fiber running on this thread, or nullptr outside any fiber.
    static Fiber* current() noexcept;
    EventLoop& loop() const noexcept { return *loop_; }

    // The two halves of blocking, for code that builds its own waits (as PollDesc does):
    // park() suspends the calling fiber until someone calls resume() on it; resume() runs a
    // parked fiber until it parks again or ends. Exactly one resume() per park(): the waker that
    // takes the fiber out of its wait list owns the resume. resume() is for the loop's thread
    // outside any fiber (an IoHandler, a Timer callback, a posted task); from elsewhere, post it:
    // loop().post([f] { f->resume(); }).
    static void park();
    void resume();

  private:
    static void entry();
    void switch_in();
    void switch_out(bool finished);

    EventLoop* loop_;
    std::function<void()> body_;
    void* stack_ = nullptr;  // the mapping, guard page included
    std::size_t mapped_ = 0;
    std::size_t usable_ = 0;
    detail::Context context_;
    bool finished_ = false;
    std::shared_ptr<Fiber> self_;                       // keeps a started fiber alive until it ends
    [[maybe_unused]] void* asan_fake_stack_ = nullptr;  // sanitizer builds only
    [[maybe_unused]] void* tsan_fiber_ = nullptr;

    friend void go(EventLoop&, std::function<void()>, const FiberOptions&);
};

// Go's `go f()`: runs `body` on a new fiber on `loop`'s thread, starting in a later iteration
// (a posted task), from any thread. Fibers that never started are freed with the loop.
void go(EventLoop& loop, std::function<void()> body, const FiberOptions& options = {});

namespace this_fiber {
// Lets the loop run other fibers and handlers, then continues (Go's runtime.Gosched).
void yield();
// Parks the fiber on a loop timer (Go's time.Sleep). On a plain thread: std::this_thread.
void sleep_until(std::chrono::steady_clock::time_point when);
inline void sleep_for(std::chrono::steady_clock::duration d) {
    sleep_until(std::chrono::steady_clock::now() + d);
}
}  // namespace this_fiber

}  // namespace wire::net
