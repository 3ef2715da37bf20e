#include "net/socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>

namespace wire::net {
namespace {

std::error_code set_int_option(int fd, int level, int name, int value) noexcept {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) return last_error();
    return {};
}

Result<std::size_t> sized(ssize_t n) noexcept {
    if (n < 0) return last_error();
    return static_cast<std::size_t>(n);
}

}  // namespace

std::error_code last_error() noexcept {
    return {errno, std::system_category()};
}

Socket& Socket::operator=(Socket&& other) noexcept {
    if (this != &other) {
        (void)close();
        fd_ = other.release();
    }
    return *this;
}

Socket::~Socket() {
    (void)close();
}

Result<Socket> Socket::open(int family, int type, bool nonblocking) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) return last_error();
    return Socket(fd);
}

int Socket::release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

std::error_code Socket::close() noexcept {
    if (fd_ < 0) return {};
    // Never retry close() on EINTR: on Linux the descriptor is already released, and a retry
    // could close a descriptor another thread has just been given.
    const int rc = ::close(release());
    return rc == 0 || errno == EINTR ? std::error_code{} : last_error();
}

Result<std::size_t> Socket::read(void* data, std::size_t size) noexcept {
    ssize_t n;
    do
        n = ::recv(fd_, data, size, 0);
    while (n < 0 && errno == EINTR);
    return sized(n);
}

Result<std::size_t> Socket::write(const void* data, std::size_t size) noexcept {
    ssize_t n;
    do
        n = ::send(fd_, data, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return sized(n);
}

Result<std::size_t> Socket::readv(std::span<const iovec> buffers) noexcept {
    ssize_t n;
    do
        n = ::readv(fd_, buffers.data(), static_cast<int>(buffers.size()));
    while (n < 0 && errno == EINTR);
    return sized(n);
}

Result<std::size_t> Socket::writev(std::span<const iovec> buffers) noexcept {
    // writev(2) has no flags argument; sendmsg is writev plus MSG_NOSIGNAL.
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(buffers.data());
    msg.msg_iovlen = buffers.size();
    ssize_t n;
    do
        n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return sized(n);
}

std::error_code Socket::shutdown_write() noexcept {
    return ::shutdown(fd_, SHUT_WR) == 0 ? std::error_code{} : last_error();
}

std::error_code Socket::shutdown_read() noexcept {
    return ::shutdown(fd_, SHUT_RD) == 0 ? std::error_code{} : last_error();
}

std::error_code Socket::set_nonblocking(bool on) noexcept {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0) return last_error();
    const int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    if (wanted != flags && ::fcntl(fd_, F_SETFL, wanted) < 0) return last_error();
    return {};
}

std::error_code Socket::set_no_delay(bool on) noexcept {
    return set_int_option(fd_, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}

std::error_code Socket::set_reuse_address(bool on) noexcept {
    return set_int_option(fd_, SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0);
}

std::error_code Socket::set_reuse_port(bool on) noexcept {
    return set_int_option(fd_, SOL_SOCKET, SO_REUSEPORT, on ? 1 : 0);
}

std::error_code Socket::set_keep_alive(bool on, std::chrono::seconds idle) noexcept {
    if (auto ec = set_int_option(fd_, SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0)) return ec;
    if (!on || idle.count() <= 0) return {};
    const int secs = static_cast<int>(idle.count());
    if (auto ec = set_int_option(fd_, IPPROTO_TCP, TCP_KEEPIDLE, secs)) return ec;
    return set_int_option(fd_, IPPROTO_TCP, TCP_KEEPINTVL, secs);
}

std::error_code Socket::set_linger_zero() noexcept {
    linger l{1, 0};
    if (setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l) != 0) return last_error();
    return {};
}

std::error_code Socket::take_error() noexcept {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return last_error();
    return {err, std::system_category()};
}

Result<Address> Socket::local_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return last_error();
    return Address(reinterpret_cast<const sockaddr*>(&ss), len);
}

Result<Address> Socket::peer_address() const {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return last_error();
    return Address(reinterpret_cast<const sockaddr*>(&ss), len);
}

}  // namespace wire::net
