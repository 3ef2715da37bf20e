// EpollPoller: the EventLoop's kernel side on epoll(7).
//
// Level-triggered, on purpose (net/event_loop.hpp says why). Each interest change is one
// epoll_ctl at the time it is made; one epoll_wait per loop pass.
//
// A wait that must end by a deadline (the loop's next timer) is ended by a timerfd in the epoll
// set, set to an absolute time (net/detail/wake_deadline.hpp says why and when it is set), not
// by epoll_wait's timeout. Without a timerfd, epoll_wait's timeout as before.
#pragma once

#include <chrono>
#include <system_error>
#include <vector>

#include "net/detail/poller.hpp"
#include "net/detail/wake_deadline.hpp"

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
    int timer_fd_ = -1;  // in the epoll set; -1: none (the kernel refused it)
    WakeDeadline wake_;  // when the timerfd fires
};

}  // namespace wire::net::detail
