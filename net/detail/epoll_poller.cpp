#include "net/detail/epoll_poller.hpp"

#include <sys/epoll.h>
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
}

EpollPoller::~EpollPoller() {
    ::close(epoll_fd_);
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
                                  std::chrono::steady_clock::time_point) {
    out.clear();
    constexpr int batch = 256;
    epoll_event events[batch];
    const int n = ::epoll_wait(epoll_fd_, events, batch, timeout_ms);
    if (n < 0) return errno == EINTR ? std::error_code{} : errno_code();
    for (int i = 0; i < n; ++i)
        out.push_back({events[i].data.fd, events[i].events});
    return {};
}

}  // namespace wire::net::detail
