// The floor: the same echo straight on epoll(7), with nothing between the loop and the syscalls.
// It is here only to show what wire's abstractions cost; it assumes the ping-pong load (a reply
// always fits the empty send buffer) and closes a connection whose echo does not fit at once.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <thread>
#include <vector>

#include "bench/echo_bench/common.hpp"

namespace echo_bench {
namespace {

int listen_on(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4096) != 0) {
        std::perror("listen");
        std::exit(1);
    }
    return fd;
}

void serve(std::uint16_t port) {
    const int lfd = listen_on(port);
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{EPOLLIN, {}};
    ev.data.fd = lfd;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    static thread_local char buf[64 * 1024];
    epoll_event events[256];
    for (;;) {
        const int n = ::epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; ++i) {
            const int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    const int one = 1;
                    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event cev{EPOLLIN, {}};
                    cev.data.fd = c;
                    ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
            if (got < 0 && errno == EAGAIN) continue;
            if (got <= 0 || ::send(fd, buf, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got) {
                ::close(fd);  // also leaves the epoll set
            }
        }
    }
}

}  // namespace

int run_raw_server(const Options& o) {
    std::vector<std::thread> threads;
    for (int i = 1; i < o.threads; ++i)
        threads.emplace_back(serve, o.port);
    serve(o.port);  // runs until the process is killed
    return 0;
}

}  // namespace echo_bench
