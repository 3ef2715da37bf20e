// epoll_loop.hpp: the event loop both epoll ceiling servers share. One thread, level-triggered:
// the listener's readiness accepts every waiting connection, EPOLLOUT goes to flush(fd), anything
// else to serve(fd). `Server` (CRTP) supplies open(fd), serve(fd) and flush(fd).
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "bench/ceiling/common.hpp"

namespace ceiling {

template <class Server>
class EpollLoop {
  public:
    explicit EpollLoop(int listener) : listener_(listener), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
        if (epoll_ < 0) die("epoll_create1");
        watch(EPOLL_CTL_ADD, listener_, EPOLLIN);
    }

    [[noreturn]] void run() {
        auto& server = static_cast<Server&>(*this);
        epoll_event events[512];
        for (;;) {
            int n = ::epoll_wait(epoll_, events, 512, -1);
            if (n < 0 && errno != EINTR) die("epoll_wait");
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == listener_) {
                    accept_all();
                } else if ((events[i].events & EPOLLOUT) != 0) {
                    server.flush(fd);
                } else {
                    server.serve(fd);
                }
            }
        }
    }

  protected:
    void watch(int op, int fd, std::uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = fd;
        if (::epoll_ctl(epoll_, op, fd, &ev) != 0) die("epoll_ctl");
    }

  private:
    void accept_all() {
        for (;;) {
            int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;  // EAGAIN: all taken (or a transient error: try next time)
            set_nodelay(fd);
            static_cast<Server&>(*this).open(fd);
            watch(EPOLL_CTL_ADD, fd, EPOLLIN);
        }
    }

    int listener_;
    int epoll_;
};

}  // namespace ceiling
