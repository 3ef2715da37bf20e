// free_loopback_port(): a loopback TCP port for a child process (python3, nginx, redis-server) to
// listen on, free when this returns.
//
// Why not bind port 0 and hand over the kernel's choice: that port comes from the ephemeral
// range (net.ipv4.ip_local_port_range, 32768-60999 by default), which is also where every
// outgoing connection takes its source port. With the test binaries running in parallel, one of
// their connections can take the port between this check and the child's bind, and the child
// then never listens. Ports below the range are never handed out that way.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace wire::test {

// True when a listener with SO_REUSEADDR (as the peers set it) could bind 127.0.0.1:port now.
inline bool loopback_port_is_free(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int on = 1;
    (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool free =
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd, 1) == 0;
    ::close(fd);
    return free;
}

// Ports 20000-31999, walked from a point set by the process id, so test binaries running side
// by side start far apart; 0 when none is free.
inline std::uint16_t free_loopback_port() {
    constexpr unsigned first = 20000, count = 12000;
    static std::atomic<unsigned> next{static_cast<unsigned>(::getpid()) * 7919u};
    for (unsigned attempt = 0; attempt < count; ++attempt) {
        const auto port = static_cast<std::uint16_t>(first + next++ % count);
        if (loopback_port_is_free(port)) return port;
    }
    return 0;
}

}  // namespace wire::test
