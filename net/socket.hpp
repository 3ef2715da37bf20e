// Socket: the move-only owner of one socket file descriptor.
//
// Every socket wire creates is close-on-exec (a child process must not inherit a client's
// connection). Writes use MSG_NOSIGNAL, so a peer that went away is an EPIPE error value rather
// than a SIGPIPE that kills the process. EINTR is retried everywhere: a signal handler running is
// never an error. EAGAIN is returned as an error; would_block(ec) tells it apart.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <chrono>
#include <cstddef>
#include <span>
#include <string_view>
#include <system_error>

#include "net/address.hpp"
#include "net/error.hpp"
#include "net/result.hpp"

namespace wire::net {

class Socket {
  public:
    Socket() noexcept = default;
    explicit Socket(int fd) noexcept : fd_(fd) {}  // adopts fd: it will be closed by this Socket
    Socket(Socket&& other) noexcept : fd_(other.release()) {}
    Socket& operator=(Socket&& other) noexcept;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket();

    // socket(2) with SOCK_CLOEXEC, plus SOCK_NONBLOCK when `nonblocking`.
    static Result<Socket> open(int family, int type = SOCK_STREAM, bool nonblocking = false);

    int fd() const noexcept { return fd_; }
    bool valid() const noexcept { return fd_ >= 0; }
    explicit operator bool() const noexcept { return valid(); }
    int release() noexcept;  // gives up ownership; the caller closes the returned fd
    std::error_code close() noexcept;

    // One recv(2)/send(2) each. read returns 0 at end of stream, like read(2).
    Result<std::size_t> read(void* data, std::size_t size) noexcept;
    Result<std::size_t> write(const void* data, std::size_t size) noexcept;
    Result<std::size_t> write(std::string_view text) noexcept {
        return write(text.data(), text.size());
    }
    // Scatter/gather: readv(2), and sendmsg(2) with MSG_NOSIGNAL for writev.
    Result<std::size_t> readv(std::span<const iovec> buffers) noexcept;
    Result<std::size_t> writev(std::span<const iovec> buffers) noexcept;

    std::error_code shutdown_write() noexcept;  // sends FIN; reads still work (half-close)
    std::error_code shutdown_read() noexcept;

    std::error_code set_nonblocking(bool on) noexcept;
    std::error_code set_no_delay(bool on) noexcept;  // TCP_NODELAY: no Nagle delay for small writes
    std::error_code set_reuse_address(bool on) noexcept;  // SO_REUSEADDR: rebind over TIME_WAIT
    std::error_code set_reuse_port(bool on) noexcept;     // SO_REUSEPORT: many listeners, one port
    // SO_KEEPALIVE, and with a positive `idle` also TCP_KEEPIDLE/TCP_KEEPINTVL in seconds.
    std::error_code set_keep_alive(bool on,
                                   std::chrono::seconds idle = std::chrono::seconds{0}) noexcept;
    std::error_code set_linger_zero() noexcept;  // close() then sends RST instead of FIN

    // SO_ERROR: the pending error (how a non-blocking connect reports its outcome), cleared.
    std::error_code take_error() noexcept;
    Result<Address> local_address() const;
    Result<Address> peer_address() const;

  private:
    int fd_ = -1;
};

// The last errno as a std::error_code.
std::error_code last_error() noexcept;

}  // namespace wire::net
