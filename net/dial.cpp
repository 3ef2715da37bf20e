#include "net/dial.hpp"

#include <poll.h>

#include <cerrno>

#include "net/error.hpp"

namespace wire::net {
namespace {

// Waits for a non-blocking connect to finish. {} when the socket is writable (the outcome is
// then in SO_ERROR).
std::error_code wait_writable(int fd, Clock::time_point deadline) {
    for (;;) {
        int wait_ms = -1;
        if (deadline != Clock::time_point{}) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return Error::timeout;
            wait_ms = static_cast<int>(left.count());
        }
        pollfd p{fd, POLLOUT, 0};
        const int rc = ::poll(&p, 1, wait_ms);
        if (rc > 0) return {};
        if (rc < 0 && errno != EINTR) return last_error();
    }
}

Clock::time_point deadline_after(std::chrono::milliseconds timeout) {
    return timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point{};
}

}  // namespace

Result<Socket> dial_socket(const Address& address, Clock::time_point deadline) {
    if (address.empty()) return Error::bad_address;
    auto sock = Socket::open(address.family(), SOCK_STREAM, /*nonblocking=*/true);
    if (!sock) return sock.error();
    int rc;
    do
        rc = ::connect(sock->fd(), address.sockaddr_ptr(), address.length());
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        // EINPROGRESS: the handshake is under way. Anything else (ECONNREFUSED on a Unix socket,
        // EAGAIN for a full Unix backlog, ENETUNREACH) is the final answer.
        if (errno != EINPROGRESS) return last_error();
        if (auto ec = wait_writable(sock->fd(), deadline)) return ec;
        if (auto ec = sock->take_error()) return ec;
    }
    if (!address.is_unix()) (void)sock->set_no_delay(true);
    return sock;
}

Result<Conn> dial(const Address& address, std::chrono::milliseconds timeout) {
    auto sock = dial_socket(address, deadline_after(timeout));
    if (!sock) return sock.error();
    return Conn(std::move(*sock));
}

Result<Conn> dial(std::string_view address, std::chrono::milliseconds timeout) {
    const auto deadline = deadline_after(timeout);
    auto addresses = Address::resolve(address);
    if (!addresses) return addresses.error();
    std::error_code first;
    for (const Address& a : *addresses) {
        auto sock = dial_socket(a, deadline);
        if (sock) return Conn(std::move(*sock));
        if (!first) first = sock.error();
        if (is_timeout(sock.error())) break;  // the deadline is shared: no time left for others
    }
    return first;
}

}  // namespace wire::net
