// EpollPoller: the EventLoop's kernel side on epoll(7).
//
// Level-triggered, on purpose (net/event_loop.hpp says why). Each interest change is one
// epoll_ctl at the time it is made; one epoll_wait per loop pass.
#pragma once

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
    std::error_code control(int op, int fd, Interest interest, bool exclusive);

    int epoll_fd_ = -1;
};

}  // namespace wire::net::detail
