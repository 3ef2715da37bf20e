// EventLoop: one thread's event loop with timers, cross-thread post() and optional signals.
// In the spirit of redis's ae.c: a table of handlers indexed by fd, one wait for events per
// iteration, then due timers, then posted tasks. The kernel interface it waits on is chosen at
// run time (net/loop_backend.hpp): epoll(7), or io_uring(7), each in its own file under
// net/detail/ (a Poller), both with the semantics below.
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

#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "net/loop_backend.hpp"
#include "net/timer.hpp"

namespace wire::net {
namespace detail {
class Poller;
struct PollEvent;
}  // namespace detail

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

    // Creates the backend's descriptors (epoll or io_uring) and an eventfd; throws
    // std::system_error if the kernel refuses (out of descriptors at start-up is a setup
    // failure, not a runtime condition). io_uring asked for but refused falls back to epoll.
    explicit EventLoop(LoopBackend backend = LoopBackend::environment);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // The backend this loop got: epoll or uring.
    LoopBackend backend() const noexcept;

    // Runs until stop(). Returns an error only if waiting itself fails.
    std::error_code run();
    // Any thread: run() returns after the current iteration. A stop() before run() makes the next
    // run() return at once.
    void stop();
    // Any thread: `task` runs on the loop thread in a later iteration, in posting order. Posting
    // from a handler is fine too. Wakes the loop through an eventfd only when the queue was empty.
    void post(Task task);

    // Interest in an fd: one handler per fd. Registering costs slot_bytes in a table indexed by
    // fd (one word: net/event_loop.hpp, Slot).
    std::error_code add(int fd, Interest interest, IoHandler* handler);
    std::error_code modify(int fd, Interest interest);  // no syscall if unchanged
    std::error_code remove(int fd);                     // before close(fd)
    // For an fd already added: its events go to `handler` from now on, under the same interest
    // and registration, with no system call. A socket that changes protocol on the same loop
    // (a WebSocket handshake handing its connection to the frame layer) keeps its place rather
    // than being removed and added again (two epoll_ctl, or a cancelled and a new io_uring
    // request).
    std::error_code hand_over(int fd, IoHandler* handler);
    Interest interest(int fd) const noexcept;
    static constexpr std::size_t slot_bytes = sizeof(void*);

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

    // For a listening socket already added: on io_uring the kernel accepts its connections as
    // they come, one multishot accept (net/detail/uring_poller.hpp); on epoll nothing changes.
    // The handler still hears of them as readable and takes each with take_accepted(), which
    // returns -1 when none is waiting: the caller then calls accept4(2) itself, as always.
    void accept_ahead(int fd);
    [[nodiscard]] int take_accepted(int fd) noexcept;

    // For a connected socket already added, whose owner reads it only through receive() from
    // now on: on io_uring the kernel receives its bytes as they arrive, into buffers the loop
    // shares among its sockets (one multishot receive; net/detail/uring_poller.hpp), so a read
    // costs no system call. On epoll nothing changes. The handler still hears of the bytes as
    // readable, pass after pass while some wait. While the socket's interest is not readable the
    // kernel stops receiving for it (back-pressure holds). remove() drops what waits.
    void receive_ahead(int fd);
    // recv(2) for a socket of this loop (loop thread): the bytes received ahead first, then the
    // socket's own. Returns the bytes copied, 0 at the end of the stream, or -1 with errno
    // (EAGAIN: nothing yet).
    long receive(int fd, void* data, std::size_t size) noexcept;
    // How many bytes wait, received ahead, for `fd`. An owner that hands its socket to other
    // code (which reads it with recv) takes these first with receive().
    [[nodiscard]] std::size_t received_ahead(int fd) const noexcept;
    // Reading without a copy (loop thread): the first run of the bytes received ahead for
    // `fd`, in the loop's buffer where the kernel put them, writable (a frame layer unmasks in
    // place). Empty when none wait in place (on epoll always: read with receive()). The bytes
    // stay valid until discard_received(), receive() or remove() on `fd`. discard_received
    // drops the first `n` of those bytes.
    [[nodiscard]] std::span<std::uint8_t> peek_received(int fd) noexcept;
    void discard_received(int fd, std::size_t n) noexcept;

    // send(2) for a socket of this loop (loop thread), whose owner writes it only through
    // these calls while it is in the loop: returns the bytes taken (perhaps fewer than given),
    // or -1 with errno (EAGAIN: no room; wait for writability). MSG_NOSIGNAL: a closed peer is
    // EPIPE, not a signal. On io_uring a short send is copied and handed to the kernel at the
    // end of the pass, with every other socket's, in the io_uring_enter the loop makes anyway
    // (net/detail/uring_poller.hpp), so it costs no system call; on epoll it is sendmsg(2).
    // Bytes taken are the kernel's to deliver, as with send(2); should the kernel refuse some at
    // the end of the pass (its buffer full), the loop keeps them, sends them when the socket is
    // writable and reports the socket writable only after that (sends meanwhile: EAGAIN), and a
    // send error shows in the next send (and as an error event).
    long send(int fd, const void* data, std::size_t size) noexcept;
    long send(int fd, std::span<const iovec> buffers) noexcept;
    // Bytes taken by send() that the kernel refused and the loop still holds for `fd`.
    [[nodiscard]] std::size_t unsent(int fd) const noexcept;
    // Before the socket is written by other code (a worker, a hijacker, blocking I/O on the
    // loop thread): the bytes the loop still holds for it are appended to `into`, to be sent
    // first, and the loop holds none from then on.
    void take_unsent(int fd, std::string& into);
    // shutdown(fd, SHUT_WR) after the bytes taken by send(): at once when the kernel has them
    // all, otherwise once the loop has sent the rest. Returns shutdown(2)'s result.
    int shutdown_write(int fd) noexcept;

    // Timers (loop thread). arm_after counts from now(). See timer.hpp for costs.
    void arm(Timer& timer, TimePoint when) { timers_.arm(timer, when); }
    void arm_after(Timer& timer, Duration delay) { timers_.arm(timer, now_ + delay); }
    void cancel(Timer& timer) noexcept { timers_.cancel(timer); }
    std::size_t armed_timers() const noexcept { return timers_.size(); }

    // Opt-in busy polling (loop thread, or before run()): after a pass that handled I/O or posted
    // tasks, poll without sleeping for up to `budget` before blocking in the kernel. A ping-pong
    // peer's next message then finds the loop awake: no sleep and wake-up per message, which on
    // a VM costs more CPU than the message itself (docs/performance.md, "One connection"). A
    // loop that saw no I/O (timers only) never spins, so an idle server costs no CPU.
    //
    // Adaptive: spinning goes on only while it keeps finding work. A spin that ends empty (the
    // peer did not answer in time: a load generator that is itself the bottleneck, large
    // messages that take longer than the budget to arrive) halves the next one; after a few
    // empty spins in a row the loop rests, sleeping after its next busy passes without spinning
    // (1, 2, 4... up to `max_rest` of them), then tries a short spin (a sixteenth of the budget)
    // again. A spin that finds work restores the full budget and ends the rests. Zero (the
    // default): off.
    void set_busy_poll(std::chrono::microseconds budget) noexcept {
        busy_poll_ = budget;
        spin_ = budget;
        rest_ = rest_length_ = 0;
    }
    static constexpr unsigned max_rest = 256;
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
    // One word per fd: the handler's address, whose three low bits are zero (a handler is
    // aligned to at least 8 bytes: it holds a vtable pointer), carries the interest (bits 0-1)
    // and whether the fd was added with add_exclusive (bit 2; with interest none, it is then
    // not in the kernel's set).
    class Slot {
      public:
        Slot() = default;
        Slot(IoHandler* handler, Interest interest, bool exclusive) noexcept
            : bits_(reinterpret_cast<std::uintptr_t>(handler) |
                    static_cast<std::uintptr_t>(interest) | (exclusive ? kExclusive : 0)) {}
        IoHandler* handler() const noexcept {
            return reinterpret_cast<IoHandler*>(bits_ & ~kLowBits);
        }
        Interest interest() const noexcept { return static_cast<Interest>(bits_ & kInterest); }
        bool exclusive() const noexcept { return (bits_ & kExclusive) != 0; }
        void set_interest(Interest interest) noexcept {
            bits_ = (bits_ & ~kInterest) | static_cast<std::uintptr_t>(interest);
        }

      private:
        static constexpr std::uintptr_t kInterest = 3, kExclusive = 4, kLowBits = 7;
        std::uintptr_t bits_ = 0;
    };
    static_assert(alignof(IoHandler) >= 8 && sizeof(Slot) == slot_bytes);
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
    int poll_timeout_ms() const;
    std::error_code wait(std::vector<detail::PollEvent>& events, bool was_busy);
    bool spin(std::vector<detail::PollEvent>& events, std::error_code& ec);
    void run_posted();

    std::unique_ptr<detail::Poller> poller_;
    int wake_fd_ = -1;
    int signal_fd_ = -1;
    std::vector<Slot> slots_;  // indexed by fd
    TimerHeap timers_;
    TimePoint now_;
    std::chrono::microseconds busy_poll_{0};
    bool busy_ = false;  // the last pass handled I/O or posted tasks (busy polling may follow)
    std::chrono::microseconds spin_{0};  // the next spin's budget (adaptive, <= busy_poll_)
    unsigned rest_ = 0;                  // busy passes left without spinning
    unsigned rest_length_ = 0;           // the last rest's length (doubles while spins find none)
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
