// EventLoop: one thread's epoll(7) loop with timers, cross-thread post() and optional signals.
// In the spirit of redis's ae.c: a table of handlers indexed by fd, one epoll_wait per iteration,
// then due timers, then posted tasks.
//
// Level-triggered, on purpose. With edge triggering a handler must read until EAGAIN or it may
// never hear of the bytes left behind, which costs an extra read(2) returning EAGAIN on every
// event. Level triggering lets a handler read once and return (the kernel reports the fd again if
// bytes remain), which is how an echo or a keep-alive request costs one read and one write. It
// also lets a server stop reading a connection (modify its interest) to apply back-pressure
// without losing track of it. Write interest is enabled only while output is pending, so an idle
// connection costs no events.
//
// Threading: everything but post(), stop() and wake-up is for the loop's own thread (the one in
// run()). Handlers and timers run on that thread, one at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "net/timer.hpp"

struct epoll_event;  // <sys/epoll.h>, kept out of this header

namespace wire::net {

// What an fd's owner implements to hear from the loop. The loop holds a plain pointer: the
// handler must outlive its registration (remove() the fd before destroying it).
//  on_readable: data, end of stream, or an error waiting (the next read says which).
//  on_writable: room in the send buffer, or an error (the next write says which).
//  on_error:    the fd reports EPOLLERR/EPOLLHUP while neither interest is registered; the handler
//               must remove or close the fd, or a level-triggered loop keeps reporting it.
// Spurious calls are possible (an fd closed and reused within one batch); handlers treat EAGAIN
// as "nothing yet".
class IoHandler {
  public:
    virtual void on_readable() = 0;
    virtual void on_writable() {}
    virtual void on_error() = 0;

  protected:
    ~IoHandler() = default;
};

enum class Interest : std::uint8_t { none = 0, readable = 1, writable = 2, both = 3 };
constexpr Interest operator|(Interest a, Interest b) {
    return static_cast<Interest>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has(Interest set, Interest bit) {
    return (static_cast<unsigned>(set) & static_cast<unsigned>(bit)) != 0;
}

class EventLoop {
  public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    using Duration = Clock::duration;
    using Task = std::function<void()>;

    // Creates the epoll and eventfd descriptors; throws std::system_error if the kernel refuses
    // (out of descriptors at start-up is a setup failure, not a runtime condition).
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Runs until stop(). Returns an error only if epoll_wait itself fails.
    std::error_code run();
    // Any thread: run() returns after the current iteration. A stop() before run() makes the next
    // run() return at once.
    void stop();
    // Any thread: `task` runs on the loop thread in a later iteration, in posting order. Posting
    // from a handler is fine too. Wakes the loop through an eventfd only when the queue was empty.
    void post(Task task);

    // Interest in an fd: one handler per fd. Registering costs 16 bytes in a table indexed by fd.
    std::error_code add(int fd, Interest interest, IoHandler* handler);
    std::error_code modify(int fd, Interest interest);  // no syscall if unchanged
    std::error_code remove(int fd);                     // before close(fd)
    Interest interest(int fd) const noexcept;

    // One listening socket that several loops accept from (each through its own descriptor, a
    // dup of the others). Registered plainly, every loop waiting on it would wake for each new
    // connection and all but one would find nothing to accept: the thundering herd.
    // EPOLLEXCLUSIVE (Linux 4.5) wakes one waiting loop per event instead: the kernel walks the
    // socket's wait queue in registration order and stops at the first loop asleep in
    // epoll_wait; a loop that is busy only finds the socket in its ready list and may try an
    // accept that another loop wins (EAGAIN, which accept handlers already treat as "nothing").
    // Readable interest only. modify() to none and back removes and adds the registration again,
    // since the kernel refuses EPOLL_CTL_MOD on exclusive ones. (Older kernels ignore the flag
    // and wake every loop: slower under a connection storm, still correct.)
    std::error_code add_exclusive(int fd, IoHandler* handler);
    // For an fd added with add_exclusive: registers it again, which moves this loop to the back
    // of the wait queue, so the next connection wakes the loops that have had none since first.
    // Without it the loop registered first would take every connection that finds it idle.
    // Two epoll_ctl calls.
    std::error_code requeue(int fd);

    // Timers (loop thread). arm_after counts from now(). See timer.hpp for costs.
    void arm(Timer& timer, TimePoint when) { timers_.arm(timer, when); }
    void arm_after(Timer& timer, Duration delay) { timers_.arm(timer, now_ + delay); }
    void cancel(Timer& timer) noexcept { timers_.cancel(timer); }
    std::size_t armed_timers() const noexcept { return timers_.size(); }

    // Opt-in busy polling (loop thread, or before run()): after a pass that handled I/O or posted
    // tasks, poll without sleeping for up to `budget` before blocking in epoll_wait. A ping-pong
    // peer's next message then finds the loop awake: no sleep and wake-up per message, which on
    // a VM costs more CPU than the message itself (docs/performance.md, "One connection"). It
    // burns up to `budget` of CPU per quiet spell and helps only when the peer waits for our
    // answers; a loop that saw no I/O (timers only) never spins. Zero (the default): off.
    void set_busy_poll(std::chrono::microseconds budget) noexcept { busy_poll_ = budget; }
    std::chrono::microseconds busy_poll() const noexcept { return busy_poll_; }

    // The time at the start of this iteration's handlers: one clock read per iteration.
    TimePoint now() const noexcept { return now_; }

    // Opt-in: delivers `signals` (e.g. SIGINT, SIGTERM) to `on_signal` on the loop thread through
    // a signalfd. The signals are blocked in the calling thread; call this before starting other
    // threads so that they inherit the mask (otherwise the kernel may deliver to one of them).
    std::error_code handle_signals(std::initializer_list<int> signals,
                                   std::function<void(int)> on_signal);
    // handle_signals({SIGINT, SIGTERM}) with stop().
    std::error_code stop_on_signals();

    // Teardown hooks, for an object that keeps state per loop and may outlive the loop (a
    // WebSocket Engine): `hook` runs once in ~EventLoop, on the destroying thread, before the
    // loop's descriptors close, so it may still remove() fds and cancel() timers. The key lets an
    // owner that goes first forget its hook. Any thread, but not during ~EventLoop.
    std::uint64_t on_destroy(Task hook);
    void forget_on_destroy(std::uint64_t key);

    bool in_loop_thread() const noexcept { return std::this_thread::get_id() == thread_.load(); }
    // The loop running on this thread, or nullptr.
    static EventLoop* current() noexcept;

    // Expires when the loop is destroyed. For objects that may outlive the loop they registered
    // with (a Conn that a fiber waited on, net/detail/poll_desc.hpp): they check it before
    // touching the loop again.
    std::weak_ptr<const void> lifetime() const noexcept { return lifetime_; }

  private:
    struct Slot {
        IoHandler* handler = nullptr;
        Interest interest = Interest::none;
        bool exclusive = false;  // added with add_exclusive; with interest none, not in epoll
    };
    // The loop's own fds (eventfd, signalfd) are handled like any other.
    struct WakeHandler final : IoHandler {
        EventLoop* loop;
        void on_readable() override;
        void on_error() override {}
    };
    struct SignalHandler final : IoHandler {
        EventLoop* loop;
        void on_readable() override;
        void on_error() override {}
    };

    void dispatch(int fd, std::uint32_t events);
    std::error_code control(int op, int fd, Interest interest, bool exclusive);
    int poll_timeout_ms() const;
    int wait(::epoll_event* events, int capacity, bool was_busy);
    void run_posted();

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    int signal_fd_ = -1;
    std::vector<Slot> slots_;  // indexed by fd
    TimerHeap timers_;
    TimePoint now_;
    std::chrono::microseconds busy_poll_{0};
    bool busy_ = false;  // the last pass handled I/O or posted tasks (busy polling may follow)
    std::atomic<bool> stop_{false};
    std::atomic<std::thread::id> thread_{};

    std::mutex posted_mu_;
    std::vector<Task> posted_;   // guarded by posted_mu_
    std::vector<Task> running_;  // loop thread only: the batch being run
    WakeHandler wake_handler_;
    SignalHandler signal_handler_;
    std::function<void(int)> on_signal_;

    std::mutex destroy_mu_;
    std::vector<std::pair<std::uint64_t, Task>> destroy_hooks_;  // guarded by destroy_mu_
    std::uint64_t next_destroy_key_ = 0;                         // guarded by destroy_mu_
    std::shared_ptr<const void> lifetime_ = std::make_shared<char>(0);
};

}  // namespace wire::net
