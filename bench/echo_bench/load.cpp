// The load generator: `conns` connections in ping-pong, each with one message in flight. One
// thread, raw epoll, so that its own cost stays small and the same for every server.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "bench/echo_bench/common.hpp"

namespace echo_bench {
namespace {

using Clock = std::chrono::steady_clock;

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        std::perror("connect");
        std::exit(1);
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// The whole message; the send buffer is empty in ping-pong, so this rarely loops.
bool send_all(int fd, const std::vector<char>& msg) {
    std::size_t sent = 0;
    while (sent < msg.size()) {
        const ssize_t n = ::send(fd, msg.data() + sent, msg.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

int run_load(const Options& o) {
    std::vector<int> fds;
    std::vector<std::size_t> got(static_cast<std::size_t>(o.conns), 0);
    const std::vector<char> msg(o.size, 'e');
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < o.conns; ++i) {
        fds.push_back(connect_to(o.port));
        epoll_event ev{EPOLLIN, {}};
        ev.data.u32 = static_cast<std::uint32_t>(i);
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fds.back(), &ev);
    }
    for (int fd : fds)
        send_all(fd, msg);

    const auto warm_end = Clock::now() + std::chrono::milliseconds(o.messages ? 0 : 300);
    const auto end = warm_end + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.seconds));
    long done = 0, counted = 0;
    bool measuring = o.messages != 0;
    Clock::time_point start = Clock::now();
    static char buf[256 * 1024];
    epoll_event events[512];
    for (;;) {
        const int n = ::epoll_wait(ep, events, 512, 100);
        for (int i = 0; i < n; ++i) {
            const std::uint32_t c = events[i].data.u32;
            const ssize_t r = ::recv(fds[c], buf, sizeof buf, 0);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) {
                std::fprintf(stderr, "connection %u lost\n", c);
                return 1;
            }
            got[c] += static_cast<std::size_t>(r);
            if (got[c] < o.size) continue;
            got[c] -= o.size;  // a whole echo came back: send the next message
            ++done;
            if (measuring) ++counted;
            if (!send_all(fds[c], msg)) return 1;
        }
        const auto now = Clock::now();
        if (!measuring && now >= warm_end) {
            measuring = true;
            start = now;
        }
        if (o.messages ? counted >= o.messages : now >= end) break;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("RESULT msgs_per_s=%.0f messages=%ld seconds=%.3f conns=%d size=%zu\n",
                static_cast<double>(counted) / secs, counted, secs, o.conns, o.size);
    for (int fd : fds)
        ::close(fd);
    return 0;
}

int run_idle(const Options& o) {
    const long before = rss_kb(o.server_pid);
    std::vector<int> fds;
    const std::vector<char> msg(16, 'i');
    char buf[64];
    for (int i = 0; i < o.conns; ++i) {
        const int fd = connect_to(o.port);
        std::size_t got = 0;
        if (!send_all(fd, msg)) return 1;
        while (got < msg.size()) {
            const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
            if (r <= 0) return 1;
            got += static_cast<std::size_t>(r);
        }
        fds.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // let the server settle
    const long after = rss_kb(o.server_pid);
    std::printf("RESULT rss0_kb=%ld rss_kb=%ld conns=%d bytes_per_conn=%.0f\n", before, after,
                o.conns, static_cast<double>(after - before) * 1024.0 / o.conns);
    for (int fd : fds)
        ::close(fd);
    return 0;
}

}  // namespace echo_bench
