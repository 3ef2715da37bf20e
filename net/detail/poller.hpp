// Poller: the part of an EventLoop that talks to the kernel, one implementation per backend
// (epoll_poller.hpp, uring_poller.hpp), in the spirit of redis's ae_epoll.c and ae_kqueue.c.
//
// The EventLoop keeps the table of handlers and interests and dispatches; a Poller only tells
// the kernel what the table says and reports which fds are ready. Events are level-triggered on
// every backend: an fd that stays ready is reported again on the next wait, and interest none
// still reports errors and hang-ups (EPOLLERR, EPOLLHUP), so handlers behave the same on both.
//
// Threading: the loop's thread, or any thread while the loop is not running (before run(),
// between runs, in ~EventLoop).
#pragma once

#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "net/event_loop.hpp"
#include "net/loop_backend.hpp"

namespace wire::net::detail {

// One ready fd. `events` uses the poll(2) bits, which epoll's share: POLLIN, POLLOUT, POLLRDHUP,
// POLLERR, POLLHUP; only those of the fd's interest, errors and hang-ups.
struct PollEvent {
    int fd;
    std::uint32_t events;
};

class Poller {
  public:
    virtual ~Poller() = default;

    virtual LoopBackend backend() const noexcept = 0;

    // `exclusive`: a listening socket that several loops share (EventLoop::add_exclusive); its
    // interest is readable or none.
    virtual std::error_code add(int fd, Interest interest, bool exclusive) = 0;
    virtual std::error_code modify(int fd, Interest from, Interest to, bool exclusive) = 0;
    virtual std::error_code remove(int fd, Interest current, bool exclusive) = 0;
    // An exclusive fd steps to the back of the kernel's wait queue.
    virtual std::error_code requeue(int fd) = 0;

    // A registered listening socket whose connections the kernel may accept ahead of the
    // handler (io_uring's multishot accept); the handler is still told of them as readable.
    // take_accepted: one of those connections, or -1 when none waits (the caller accepts).
    virtual void accept_ahead(int) {}
    virtual int take_accepted(int) noexcept { return -1; }

    // A registered socket whose owner reads it only through receive(): the kernel may receive
    // its bytes ahead of the handler (io_uring's multishot receive into the loop's buffers); the
    // handler is still told of them as readable, as long as they wait.
    // receive: recv(2)'s contract, from those bytes first. received: how many wait.
    virtual void receive_ahead(int) {}
    virtual long receive(int fd, void* data, std::size_t size) noexcept;
    virtual std::size_t received(int) const noexcept { return 0; }
    // The first run of bytes received ahead, where the kernel put them (empty: none, or a
    // backend that receives no bytes ahead); discard_received drops the first `n` of them.
    virtual std::span<std::uint8_t> peek_received(int) noexcept { return {}; }
    virtual void discard_received(int, std::size_t) noexcept {}

    // send(2) (sendmsg) for a registered socket whose owner sends only through the loop: the
    // kernel may send the bytes at the end of the pass (io_uring, one submission for all the
    // sockets that sent). unsent: bytes the kernel refused that the loop still holds (the
    // socket is not reported writable until they are gone). take_unsent: those bytes, and any
    // not sent yet, move to `into`; the loop holds none from then on (before the socket is
    // written by other code). shutdown_write: shutdown(SHUT_WR) once the loop holds no bytes.
    virtual long send(int fd, std::span<const iovec> buffers) noexcept;
    virtual std::size_t unsent(int) const noexcept { return 0; }
    virtual void take_unsent(int, std::string&) {}
    virtual int shutdown_write(int fd) noexcept;

    // run() starts and ends on the calling thread.
    virtual std::error_code attach() { return {}; }
    virtual void detach() noexcept {}

    // Waits up to `timeout_ms` (-1: no limit, 0: not at all) counted from `since` (the loop's
    // time of the pass, at most a pass old) and fills `out` (cleared first). Returns an error
    // only when the kernel refuses to wait; an interrupted wait is no error.
    virtual std::error_code wait(std::vector<PollEvent>& out, int timeout_ms,
                                 std::chrono::steady_clock::time_point since) = 0;
};

// The backend `requested` resolves to (environment and automatic looked up), set up. Throws
// std::system_error when even epoll cannot be had (out of descriptors).
std::unique_ptr<Poller> make_poller(LoopBackend requested);

}  // namespace wire::net::detail
