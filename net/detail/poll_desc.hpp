// PollDesc: what a descriptor needs so that fibers can block on it, Go's pollDesc.
//
// A fiber that would block on a socket parks here instead of in the kernel. The first wait
// registers the fd with the fiber's loop, and the registration stays until the fd is detached:
// an echo (wait for input, read, write, wait again) costs no epoll_ctl per message. Interest
// changes only when a fiber starts waiting for a direction the loop does not report yet, or when
// the loop reports a direction nobody waits for any more (dropped then, so a level-triggered
// loop does not spin on a socket whose fiber is busy elsewhere).
//
// A parked fiber is resumed, from the loop's thread, by exactly one of: readiness of its
// direction, the Timer of its deadline, or notify() (another thread moved a deadline or closed
// the Conn). It then re-checks what it waited for; a wake-up that changes nothing (a timer left
// armed from an earlier wait, a notify for an older wait) costs one EAGAIN and a new wait.
//
// Lifetime: shared. The owner (net::Conn, net::Listener) holds one reference; a task that
// notify() posts holds another, so a notify racing with the owner's destruction finds the
// PollDesc alive. The fd must leave the loop before it closes: detach(). If the loop is gone
// first (its epoll descriptor, and with it the registration), detach() and notify() do nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <system_error>

#include "net/event_loop.hpp"
#include "net/socket.hpp"
#include "net/timer.hpp"

namespace wire::net {
class Fiber;
}

namespace wire::net::detail {

class PollDesc final : public IoHandler, public std::enable_shared_from_this<PollDesc> {
  public:
    PollDesc(EventLoop& loop, int fd) noexcept;
    ~PollDesc();
    PollDesc(const PollDesc&) = delete;
    PollDesc& operator=(const PollDesc&) = delete;

    EventLoop& loop() const noexcept { return *loop_; }

    // On a fiber of loop(): parks until the fd is ready for `direction` (readable or writable),
    // `deadline_ns` (steady clock, 0 = none) passes, or notify(). Returns an error only if the
    // loop refuses the fd; the caller re-checks its deadline and retries its I/O.
    std::error_code wait(Interest direction, std::int64_t deadline_ns);

    // Any thread: a fiber parked for `direction` wakes and re-checks (a deadline moved, or the
    // owner closed). From the loop's own thread it costs nothing when no fiber is parked there.
    void notify(Interest direction);

    // Before the fd closes or changes hands. On the loop's thread: the fd leaves the loop now
    // and `socket` is left to the caller. Elsewhere the loop must do it, so `socket` moves into
    // a task posted to the loop, which removes and closes it; the caller gets an empty socket.
    static void detach(std::shared_ptr<PollDesc> pd, Socket& socket);
    // True when detach() would hand the socket to the loop: it lives, on another thread.
    bool detach_defers() const noexcept {
        return !loop_alive_.expired() && !loop_->in_loop_thread();
    }

  private:
    struct Side {
        Fiber* fiber = nullptr;  // the fiber parked for this direction
        Timer timer;             // its deadline; left armed while the deadline does not change
    };

    void on_readable() override;
    void on_writable() override;
    void on_error() override;
    void wake(Interest direction);
    void stop_listening(Interest direction);
    Side& side(Interest direction) noexcept {
        return direction == Interest::readable ? read_ : write_;
    }
    void unregister() noexcept;

    EventLoop* loop_;
    std::weak_ptr<const void> loop_alive_;
    int fd_;
    bool registered_ = false;
    Side read_;
    Side write_;
};

}  // namespace wire::net::detail
