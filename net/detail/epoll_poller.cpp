#include "net/detail/epoll_poller.hpp"

#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>

namespace wire::net::detail {
namespace {

std::error_code errno_code() noexcept {
    return {errno, std::system_category()};
}

std::uint32_t epoll_bits(Interest interest) noexcept {
    std::uint32_t bits = 0;
    // EPOLLRDHUP: learn of the peer's FIN as readability even when no data came with it.
    if (has(interest, Interest::readable)) bits |= EPOLLIN | EPOLLRDHUP;
    if (has(interest, Interest::writable)) bits |= EPOLLOUT;
    return bits;
}

}  // namespace

EpollPoller::EpollPoller() {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::system_error(errno_code(), "epoll_create1");
    // steady_clock is CLOCK_MONOTONIC, the timerfd's clock.
    timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = timer_fd_;
    if (timer_fd_ >= 0 && ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, timer_fd_, &ev) != 0) {
        ::close(timer_fd_);
        timer_fd_ = -1;
    }
}

EpollPoller::~EpollPoller() {
    if (timer_fd_ >= 0) ::close(timer_fd_);
    ::close(epoll_fd_);
}

bool EpollPoller::arm_wake(Clock::time_point deadline) noexcept {
    if (timer_fd_ < 0) return false;
    if (!wake_.needs(deadline)) return true;
    const WakeDeadline::Split at = WakeDeadline::split(deadline);
    itimerspec when{};
    when.it_value.tv_sec = static_cast<time_t>(at.sec);
    when.it_value.tv_nsec = static_cast<long>(at.nsec);
    if (::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &when, nullptr) != 0) return false;
    wake_.set(deadline);
    return true;
}

std::error_code EpollPoller::control(int op, int fd, Interest interest, bool exclusive) {
    epoll_event ev{};
    // The kernel accepts EPOLLEXCLUSIVE only beside EPOLLIN/EPOLLOUT (not EPOLLRDHUP, which a
    // listening socket never reports anyway).
    ev.events = exclusive ? EPOLLIN | EPOLLEXCLUSIVE : epoll_bits(interest);
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, op, fd, &ev) != 0) return errno_code();
    return {};
}

std::error_code EpollPoller::add(int fd, Interest interest, bool exclusive) {
    return control(EPOLL_CTL_ADD, fd, interest, exclusive);
}

std::error_code EpollPoller::modify(int fd, Interest from, Interest to, bool exclusive) {
    if (!exclusive) return control(EPOLL_CTL_MOD, fd, to, false);
    // The kernel refuses EPOLL_CTL_MOD on exclusive registrations: out and in again.
    if (from != Interest::none && to == Interest::none) {
        return control(EPOLL_CTL_DEL, fd, from, true);
    }
    if (from == Interest::none && to != Interest::none) {
        return control(EPOLL_CTL_ADD, fd, to, true);
    }
    return {};
}

std::error_code EpollPoller::remove(int fd, Interest current, bool exclusive) {
    // An exclusive fd with interest none is not in epoll.
    if (exclusive && current == Interest::none) return {};
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) != 0) return errno_code();
    return {};
}

std::error_code EpollPoller::requeue(int fd) {
    if (auto ec = control(EPOLL_CTL_DEL, fd, Interest::none, true)) return ec;
    return control(EPOLL_CTL_ADD, fd, Interest::readable, true);
}

std::error_code EpollPoller::wait(std::vector<PollEvent>& out, int timeout_ms,
                                  std::chrono::steady_clock::time_point since) {
    out.clear();
    constexpr int batch = 256;
    epoll_event events[batch];
    // A timeout counted from the pass's start ends no later than one counted from now.
    if (timeout_ms > 0 && arm_wake(since + std::chrono::milliseconds(timeout_ms))) timeout_ms = -1;
    const int n = ::epoll_wait(epoll_fd_, events, batch, timeout_ms);
    if (n < 0) return errno == EINTR ? std::error_code{} : errno_code();
    for (int i = 0; i < n; ++i) {
        if (events[i].data.fd == timer_fd_) {
            std::uint64_t expirations = 0;  // read, so that it is not readable again
            (void)::read(timer_fd_, &expirations, sizeof expirations);
            wake_.fired();
            continue;
        }
        out.push_back({events[i].data.fd, events[i].events});
    }
    return {};
}

}  // namespace wire::net::detail
