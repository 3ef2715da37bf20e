#include "net/detail/poller.hpp"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "net/detail/epoll_poller.hpp"
#include "net/detail/uring_poller.hpp"

namespace wire::net {

std::string_view to_string(LoopBackend backend) noexcept {
    switch (backend) {
        case LoopBackend::environment:
            return "environment";
        case LoopBackend::automatic:
            return "auto";
        case LoopBackend::epoll:
            return "epoll";
        case LoopBackend::uring:
            return "uring";
    }
    return "?";
}

}  // namespace wire::net

namespace wire::net::detail {
namespace {

// WIRE_LOOP=auto|epoll|uring; unset (or empty): auto. A value it does not know is said once.
LoopBackend from_environment() {
    const char* value = std::getenv("WIRE_LOOP");
    const std::string_view v = value == nullptr ? "" : value;
    if (v == "epoll") return LoopBackend::epoll;
    if (v == "uring" || v == "io_uring") return LoopBackend::uring;
    if (!v.empty() && v != "auto") {
        static std::atomic<bool> said{false};
        if (!said.exchange(true)) {
            std::fprintf(stderr, "wire: WIRE_LOOP=%s is not auto, epoll or uring; using auto\n",
                         value);
        }
    }
    return LoopBackend::automatic;
}

// Why io_uring could not be had, in words a person can act on.
std::string reason(const std::error_code& ec) {
    if (ec == std::errc::function_not_supported) return "this kernel lacks what the loop needs";
    if (ec.value() == ENOSYS) return "this kernel has no io_uring";
    if (ec.value() == EPERM || ec.value() == EACCES) {
        int disabled = 0;
        std::ifstream("/proc/sys/kernel/io_uring_disabled") >> disabled;
        if (disabled != 0) return "kernel.io_uring_disabled is " + std::to_string(disabled);
        return "refused (a seccomp profile?): " + ec.message();
    }
    return ec.message();
}

}  // namespace

long Poller::receive(int fd, void* data, std::size_t size) noexcept {
    return ::recv(fd, data, size, 0);
}

long Poller::send(int fd, std::span<const iovec> buffers) noexcept {
    if (buffers.size() == 1)
        return ::send(fd, buffers[0].iov_base, buffers[0].iov_len, MSG_NOSIGNAL);
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(buffers.data());
    msg.msg_iovlen = buffers.size();
    return ::sendmsg(fd, &msg, MSG_NOSIGNAL);
}

int Poller::shutdown_write(int fd) noexcept {
    return ::shutdown(fd, SHUT_WR);
}

std::unique_ptr<Poller> make_poller(LoopBackend requested) {
    if (requested == LoopBackend::environment) requested = from_environment();
    if (requested == LoopBackend::epoll) return std::make_unique<EpollPoller>();
    std::error_code ec;
    if (auto uring = UringPoller::create(ec)) return uring;
    // One line per process, not one per loop.
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
        std::fprintf(stderr, "wire: io_uring unavailable (%s); the event loops use epoll\n",
                     reason(ec).c_str());
    }
    return std::make_unique<EpollPoller>();
}

}  // namespace wire::net::detail
