// EpollPoller: the EventLoop's kernel side on epoll(7).
//
// Level-triggered, on purpose (net/event_loop.hpp says why). Each interest change is one
// epoll_ctl at the time it is made; one epoll_wait per loop pass.
//
// A wait that must end by a deadline (the loop's next timer) does not pass a timeout to
// epoll_wait, which would arm and cancel a kernel timer at every wait that sleeps (about half a
// microsecond here, at one connection every message). A timerfd in the epoll set, set to an
// absolute time, ends the wait instead; it is set again (timerfd_settime) only when a deadline
// comes sooner than the one it holds (a later one lets it fire early, for one pass with nothing
// to do). Without a timerfd, epoll_wait's timeout as before.
#pragma once

#include <chrono>
#include <system_error>
#include <vector>

#include "net/detail/poller.hpp"

namespace wire::net::detail {

class EpollPoller final : public Poller {
  public:
    EpollPoller();  // throws std::system_error when the kernel refuses an epoll descriptor
    ~EpollPoller() override;
    EpollPoller(const EpollPoller&) = delete;
    EpollPoller& operator=(const EpollPoller&) = delete;

    LoopBackend backend() const noexcept override { return LoopBackend::epoll; }
    std::error_code add(int fd, Interest interest, bool exclusive) override;
    std::error_code modify(int fd, Interest from, Interest to, bool exclusive) override;
    std::error_code remove(int fd, Interest current, bool exclusive) override;
    std::error_code requeue(int fd) override;
    std::error_code wait(std::vector<PollEvent>& out, int timeout_ms,
                         std::chrono::steady_clock::time_point since) override;

  private:
    using Clock = std::chrono::steady_clock;
    std::error_code control(int op, int fd, Interest interest, bool exclusive);
    // The timerfd ends the wait at `deadline` or earlier; false without one.
    bool arm_wake(Clock::time_point deadline) noexcept;

    int epoll_fd_ = -1;
    int timer_fd_ = -1;            // in the epoll set; -1: none (the kernel refused it)
    Clock::time_point wake_at_{};  // when the timerfd fires, while armed
    bool wake_armed_ = false;
};

}  // namespace wire::net::detail
