// common.hpp: what the four ceiling servers share: the port flag, the listening socket, fatal
// errors, and a heap buffer that does not zero what it allocates.
//
// The ceiling servers (bench/ceiling_*.cpp) measure the best a single-threaded server can do on
// this machine: they do nothing in user space beyond the least the protocol needs, so what they
// cost per request is (almost) only the kernel's TCP work. bench/bench-ceiling.sh runs them beside
// wire and the peers. They are measurement tools, not examples: no timeouts, no limits beyond
// what the benchmark sends, plain fatal exits on setup errors.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

namespace ceiling {

// Setup failed: say what, and exit (these tools have nobody to hand an error to).
[[noreturn]] inline void die(const char* what) {
    std::perror(what);
    std::exit(1);
}

// The port from --port N, else $PORT (the bench kit sets it), else 8080.
inline std::uint16_t port_flag(int argc, char** argv) {
    const char* text = std::getenv("PORT");
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) text = argv[i + 1];
    }
    long port = text != nullptr ? std::strtol(text, nullptr, 10) : 8080;
    if (port < 0 || port > 65535) {
        std::fprintf(stderr, "bad port\n");
        std::exit(2);
    }
    return static_cast<std::uint16_t>(port);
}

// A listening TCP socket on 127.0.0.1:port (loopback only, like the kit's peers).
// SO_REUSEADDR: the bench restarts servers on the same port while old connections sit in
// TIME_WAIT. Backlog 4096: the 1,000-connection runs connect all at once.
inline int listen_on(std::uint16_t port, bool nonblocking) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) die("socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
    if (::listen(fd, 4096) != 0) die("listen");
    std::printf("listening on http://127.0.0.1:%u\n", port);
    std::fflush(stdout);
    return fd;
}

// TCP_NODELAY, as wire and nginx set it: a response must leave now, not wait for an ACK
// (Nagle's algorithm would hold a small write while earlier data is unacknowledged).
inline void set_nodelay(int fd) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A growable byte buffer that, unlike std::vector, does not zero what it allocates: a
// connection's buffer is allocated once and then reused, so growth is rare, but zeroing 64 KiB
// on the first large message would still show in a short run.
class Bytes {
  public:
    std::uint8_t* data() noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return capacity_; }
    bool empty() const noexcept { return size_ == 0; }
    void resize(std::size_t n) noexcept { size_ = n; }  // n <= capacity(); contents kept
    // Capacity for at least n bytes, keeping the first size() bytes.
    void reserve(std::size_t n) {
        if (n <= capacity_) return;
        std::size_t cap = capacity_ == 0 ? 4096 : capacity_;
        while (cap < n)
            cap *= 2;
        std::unique_ptr<std::uint8_t[]> bigger(new std::uint8_t[cap]);
        if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
        data_ = std::move(bigger);
        capacity_ = cap;
    }
    // Drops the first n bytes (the rest moves to the front).
    void consume(std::size_t n) noexcept {
        if (n < size_) std::memmove(data_.get(), data_.get() + n, size_ - n);
        size_ = n < size_ ? size_ - n : 0;
    }

  private:
    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace ceiling
