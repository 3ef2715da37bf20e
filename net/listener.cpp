#include "net/listener.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "net/detail/poll_desc.hpp"
#include "net/error.hpp"
#include "net/fiber.hpp"

namespace wire::net {
namespace {

Socket open_reserve() noexcept {
    return Socket(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

}  // namespace

Result<Listener> Listener::listen(const Address& address, const ListenOptions& options) {
    if (address.empty()) return Error::bad_address;
    // Every failure below names what we tried: "listen 127.0.0.1:8080: address already in use".
    const auto failed = [&](std::error_code ec) {
        return op_error("listen", address.to_string(), ec);
    };
    auto sock = Socket::open(address.family(), SOCK_STREAM, /*nonblocking=*/true);
    if (!sock) return failed(sock.error());
    if (!address.is_unix()) {
        if (options.reuse_address) {
            if (auto ec = sock->set_reuse_address(true)) return failed(ec);
        }
        if (options.reuse_port) {
            if (auto ec = sock->set_reuse_port(true)) return failed(ec);
        }
    }
    if (::bind(sock->fd(), address.sockaddr_ptr(), address.length()) != 0) {
        return failed(last_error());
    }
    if (::listen(sock->fd(), options.backlog) != 0) return failed(last_error());
    Listener out;
    auto bound = sock->local_address();  // the real port when port 0 was asked for
    if (!bound) return failed(bound.error());
    out.address_ = *bound;
    out.socket_ = std::move(*sock);
    out.reserve_ = open_reserve();
    return out;
}

Result<Listener> Listener::listen(std::string_view address, const ListenOptions& options) {
    auto addresses = Address::resolve(address);
    if (!addresses) return op_error("listen", address, addresses.error());
    return listen(addresses->front(), options);
}

Result<Listener> Listener::duplicate() const {
    if (!socket_.valid()) return Error::closed;
    const int fd = ::fcntl(socket_.fd(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return last_error();
    Listener out;
    out.socket_ = Socket(fd);
    out.reserve_ = open_reserve();
    out.address_ = address_;
    return out;
}

Result<Socket> Listener::accept() {
    if (!socket_.valid()) return Error::closed;
    for (;;) {
        const int fd = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) return Socket(fd);
        const int err = errno;
        // Interrupted, or the client gave up between SYN and accept: try the next one.
        if (err == EINTR || err == ECONNABORTED) continue;
        if (err == EMFILE || err == ENFILE) shed_one_connection();
        return std::error_code(err, std::system_category());
    }
}

void Listener::shed_one_connection() noexcept {
    if (!reserve_.valid()) return;
    (void)reserve_.close();
    const int fd = ::accept4(socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) ::close(fd);
    reserve_ = open_reserve();
}

Listener::~Listener() {
    (void)close();
}

Listener& Listener::operator=(Listener&& other) noexcept {
    if (this != &other) {
        (void)close();
        socket_ = std::move(other.socket_);
        reserve_ = std::move(other.reserve_);
        address_ = std::move(other.address_);
        poll_ = std::move(other.poll_);
    }
    return *this;
}

Result<Socket> Listener::accept_wait(std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        auto sock = accept();
        if (sock || !would_block(sock.error())) return sock;
        int wait_ms = -1;
        if (timeout.count() >= 0) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return Error::timeout;
            wait_ms = static_cast<int>(left.count());
        }
        if (Fiber* fiber = Fiber::current()) {
            if (!poll_) poll_ = std::make_shared<detail::PollDesc>(fiber->loop(), socket_.fd());
            if (&poll_->loop() != &fiber->loop()) {
                throw std::logic_error("net::Listener: accept_wait on fibers of two event loops");
            }
            const auto ns =
                timeout.count() < 0 ? std::chrono::nanoseconds{0} : deadline.time_since_epoch();
            if (auto ec = poll_->wait(Interest::readable, ns.count())) return ec;
            continue;
        }
        pollfd p{socket_.fd(), POLLIN, 0};
        if (::poll(&p, 1, wait_ms) < 0 && errno != EINTR) return last_error();
    }
}

std::error_code Listener::close() noexcept {
    if (poll_) detail::PollDesc::detach(std::move(poll_), socket_);
    (void)reserve_.close();
    return socket_.close();
}

Result<std::vector<Listener>> listen_shared(const Address& address, std::size_t count,
                                            const ListenOptions& options) {
    std::vector<Listener> out;
    auto first = Listener::listen(address, options);
    if (!first) return first.error();
    out.push_back(std::move(*first));
    while (out.size() < count) {
        auto copy = out.front().duplicate();
        if (!copy) return copy.error();
        out.push_back(std::move(*copy));
    }
    return out;
}

Result<std::vector<Listener>> listen_reuse_port(const Address& address, std::size_t count,
                                                ListenOptions options) {
    options.reuse_port = true;
    std::vector<Listener> out;
    Address where = address;
    for (std::size_t i = 0; i < count; ++i) {
        auto l = Listener::listen(where, options);
        if (!l) return l.error();
        where = l->address();  // the port the first one was given
        out.push_back(std::move(*l));
    }
    return out;
}

}  // namespace wire::net
