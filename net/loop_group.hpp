// LoopGroup: N EventLoops, one per thread (by default one per CPU).
//
// How connections reach the loops: SO_REUSEPORT, one listener per loop (listen_reuse_port() in
// listener.hpp). The kernel hashes each new connection to one of the listeners, so every loop
// accepts its own connections: no acceptor thread, no cross-thread hand-off (a post() and an
// eventfd write per connection), no shared accept queue lock. This is what nginx
// (reuseport), h2o and most benchmarks leaders do. The price: the hash balances connections, not
// load, and connections waiting in one listener's queue are lost if that listener closes.
// A server that wants an acceptor can still accept on one loop and post() to next().
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
