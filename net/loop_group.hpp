// LoopGroup: N EventLoops, one per thread (by default one per CPU).
//
// How connections reach the loops: every loop accepts from one listening socket
// (listen_shared() in listener.hpp, net/loop_listener.hpp), each through its own dup of the
// descriptor registered with EPOLLEXCLUSIVE, so a new connection wakes one idle loop rather than
// all of them; a loop that has just accepted moves to the back of the line, so connections that
// find the loops idle go round them. No acceptor thread, and no cross-thread hand-off (a post()
// and an eventfd write per connection) except to even out a burst that one loop drained alone
// (net/accept_balance.hpp). The port is held by this process alone.
//
// The other way, on request (ListenOptions::reuse_port, listen_reuse_port()): a SO_REUSEPORT
// socket per loop, as nginx's `reuseport` does. The kernel hashes each connection to a socket, so
// the hash balances connections, not load; connections waiting in one socket's queue are lost if
// it closes; and any socket of the same user that sets SO_REUSEPORT may join the group and take
// its share of the connections. What it buys is zero-downtime restarts: the new process binds
// beside the old one. A server that wants an acceptor can still accept on one loop and post()
// to next().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "net/event_loop.hpp"

namespace wire::net {

class LoopGroup {
  public:
    // `count` loops; 0 means std::thread::hardware_concurrency() (at least 1).
    explicit LoopGroup(std::size_t count = 0);
    ~LoopGroup();  // stop() and wait()
    LoopGroup(const LoopGroup&) = delete;
    LoopGroup& operator=(const LoopGroup&) = delete;

    std::size_t size() const noexcept { return loops_.size(); }
    EventLoop& loop(std::size_t i) noexcept { return *loops_[i]; }
    // Round robin over the loops (thread-safe), e.g. for outgoing connections.
    EventLoop& next() noexcept;

    // Opt-in, before start(): SIGINT/SIGTERM stop the whole group. Blocks the signals in the
    // calling thread, which the loop threads inherit, and lets loop 0's signalfd take them.
    std::error_code stop_on_signals();

    void start();  // one thread per loop, each in EventLoop::run()
    void stop();   // any thread, also from a handler
    void wait();   // joins the threads
    void run() {
        start();
        wait();
    }

  private:
    std::vector<std::unique_ptr<EventLoop>> loops_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace wire::net
