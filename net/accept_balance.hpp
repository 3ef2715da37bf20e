// AcceptBalance: which loop serves a connection that one of several loops sharing a listening
// socket has just accepted.
//
// The kernel decides which loop wakes for a connection (net/loop_listener.hpp), and on a busy
// machine that is whichever loop the scheduler runs first: a burst of connections (clients
// reconnecting after a restart) can be drained by one loop while the others wait for a CPU. The
// connections would stay there for their whole life. So each loop counts what it has been given,
// and a loop that has been given `slack` more than the loop given the fewest passes the
// connection on to that loop (the server posts it there). When the loops take turns as they
// should, no connection is ever passed on; after a burst, the counts end up within `slack` of
// each other, as the SO_REUSEPORT hash would spread them, but exactly. Like that hash, it
// balances connections, not load: a count is never lowered when a connection closes.
//
// Thread-safe: every loop calls assign() from its own thread; each count sits on its own cache
// line, written with relaxed atomics (a count read a moment late only moves a decision by one).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace wire::net {

class AcceptBalance {
  public:
    static constexpr std::uint64_t slack = 2;

    explicit AcceptBalance(std::size_t loops);

    // For a connection loop `self` accepted: the loop that serves it, counted there.
    [[nodiscard]] std::size_t assign(std::size_t self) noexcept;
    // Connections given to `loop` so far.
    [[nodiscard]] std::uint64_t assigned(std::size_t loop) const noexcept {
        return counts_[loop].value.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

  private:
    struct alignas(64) Count {
        std::atomic<std::uint64_t> value{0};
    };
    std::unique_ptr<Count[]> counts_;
    std::size_t size_;
};

}  // namespace wire::net
