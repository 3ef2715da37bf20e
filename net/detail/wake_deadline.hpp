// WakeDeadline: when the one wake a poller keeps in the kernel fires (an io_uring timeout
// request, or a timerfd in the epoll set), so that a wait that must end by a deadline passes no
// timeout of its own: a timeout given to io_uring_enter or epoll_wait arms and cancels a kernel
// timer at every wait that sleeps. The wake is set again only when a deadline comes sooner than
// the one it holds; a later deadline lets it fire early, for one pass with nothing to do.
#pragma once

#include <chrono>
#include <cstdint>

namespace wire::net::detail {

class WakeDeadline {
  public:
    using Clock = std::chrono::steady_clock;

    // Whether the kernel's wake must be set (or moved) for a wait that ends by `deadline`.
    bool needs(Clock::time_point deadline) const noexcept { return !armed_ || deadline < at_; }
    bool armed() const noexcept { return armed_; }
    void set(Clock::time_point deadline) noexcept {
        armed_ = true;
        at_ = deadline;
    }
    void fired() noexcept { armed_ = false; }

    // `deadline` as the kernel's absolute CLOCK_MONOTONIC time (steady_clock's clock on Linux).
    struct Split {
        std::int64_t sec;
        std::int64_t nsec;
    };
    static Split split(Clock::time_point deadline) noexcept {
        const auto ns =
            std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch())
                .count();
        return {ns / 1000000000, ns % 1000000000};
    }

  private:
    Clock::time_point at_{};
    bool armed_ = false;
};

}  // namespace wire::net::detail
