// LoopListener: one event loop's listener, registered the way its socket is shared.
//
// A server on a LoopGroup gives each loop a Listener (net/listener.hpp), made one of two ways:
//  - listen_shared(): one socket, a dup of it per loop. Every loop watches the same accept
//    queue, registered with EventLoop::add_exclusive so that a new connection wakes one waiting
//    loop, not all of them. After each wake-up that accepted something the loop steps to the
//    back of the queue (EventLoop::requeue), so connections that find several loops idle go to
//    each in turn rather than always to the first; and a loop takes a few connections per
//    wake-up (shared_batch), so a burst of them is left for the other loops to share. A loop that
//    lost the race for a connection gets EAGAIN from accept, which means "nothing here". When
//    one loop drains a burst alone all the same (the others were waiting for a CPU), assign()
//    says which connections to pass to the other loops (net/accept_balance.hpp).
//  - listen_reuse_port(): a socket per loop with SO_REUSEPORT; the kernel picks the socket, each
//    loop drains its own queue (unshared_batch per wake-up) and registers plainly.
//
// Pausing (max_connections) and closing work the same for both. Each loop closes its own
// descriptor on its own thread after removing it from its own epoll: no loop ever touches another
// loop's descriptor, and the socket stops listening when the last loop closes its copy.
//
// A server's accept handler, on the loop thread:
//     std::size_t n = 0;
//     while (n < l.batch()) {
//         auto s = l.accept();
//         if (!s) break;  // EAGAIN: none left, or another loop took it
//         ++n;
//         if (const std::size_t owner = l.assign(); owner == l.index()) serve(*s);
//         else post it to loop `owner`, which serves it there;
//     }
//     l.end_batch(n);
#pragma once

#include <cstddef>
#include <memory>
#include <system_error>

#include "net/accept_balance.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/result.hpp"
#include "net/socket.hpp"

namespace wire::net {

class LoopListener {
  public:
    // Accepts per wake-up: few when loops share one queue, so that a burst spreads over them;
    // more from a queue of one's own, where taking them all costs nobody anything.
    static constexpr std::size_t shared_batch = 4;
    static constexpr std::size_t unshared_batch = 64;

    // Loop number `index` of a group. `balance`: shared by every loop of a listen_shared()
    // socket (more than one loop); null for a socket of its own (listen_reuse_port, one loop).
    LoopListener(EventLoop& loop, Listener listener, std::size_t index,
                 std::shared_ptr<AcceptBalance> balance) noexcept
        : loop_(loop),
          listener_(std::move(listener)),
          balance_(std::move(balance)),
          index_(index),
          shared_(balance_ != nullptr) {}
    ~LoopListener() { close(); }
    LoopListener(const LoopListener&) = delete;
    LoopListener& operator=(const LoopListener&) = delete;

    // Loop thread: registers the listener with `handler`, whose on_readable calls accept() up
    // to batch() times, or until it fails, then end_batch().
    std::error_code start(IoHandler* handler);
    // A connection the loop's kernel side accepted ahead (EventLoop::accept_ahead), else one
    // accept4(2).
    [[nodiscard]] Result<Socket> accept() {
        if (const int fd = loop_.take_accepted(listener_.fd()); fd >= 0) return Socket(fd);
        return listener_.accept();
    }
    // After an accept: the loop that should serve that connection, index() or another.
    [[nodiscard]] std::size_t assign() noexcept {
        return balance_ ? balance_->assign(index_) : index_;
    }
    [[nodiscard]] std::size_t index() const noexcept { return index_; }
    [[nodiscard]] std::size_t batch() const noexcept {
        return shared_ ? shared_batch : unshared_batch;
    }
    // After a wake-up's accepts: `accepted` of them succeeded. A shared listener steps back in
    // the queue when it took any.
    void end_batch(std::size_t accepted) noexcept;

    // Loop thread. pause(): hear of no connection (they wait in the queue, or go to other
    // loops); resume(): again.
    void pause() noexcept;
    void resume() noexcept;
    // Loop thread: unregisters and closes this loop's descriptor. Idempotent.
    void close() noexcept;

    [[nodiscard]] bool listening() const noexcept { return registered_; }
    [[nodiscard]] bool shared() const noexcept { return shared_; }
    [[nodiscard]] const Address& address() const noexcept { return listener_.address(); }
    [[nodiscard]] int fd() const noexcept { return listener_.fd(); }

  private:
    EventLoop& loop_;
    Listener listener_;
    std::shared_ptr<AcceptBalance> balance_;
    std::size_t index_;
    bool shared_;
    bool registered_ = false;  // in the loop's table (paused or not)
    bool paused_ = false;
};

}  // namespace wire::net
