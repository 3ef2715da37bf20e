#include "net/conn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "net/detail/poll_desc.hpp"
#include "net/error.hpp"
#include "net/fiber.hpp"

namespace wire::net {
namespace {

std::int64_t to_ns(Conn::TimePoint t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

void signal_fd(int fd) noexcept {
    if (fd < 0) return;
    const std::uint64_t one = 1;
    (void)!::write(fd, &one, sizeof one);  // EAGAIN means it is already signalled: fine
}

}  // namespace

Conn::Conn(Socket socket) : socket_(std::move(socket)) {
    (void)socket_.set_nonblocking(true);
}

Conn::Conn(Conn&& other) noexcept
    : socket_(std::move(other.socket_)), poll_(std::move(other.poll_)) {
    closed_.store(other.closed_.load());
    read_.deadline.store(other.read_.deadline.load());
    write_.deadline.store(other.write_.deadline.load());
    read_.wake_fd = std::exchange(other.read_.wake_fd, -1);
    write_.wake_fd = std::exchange(other.write_.wake_fd, -1);
    read_.drained = other.read_.drained;
}

Conn& Conn::operator=(Conn&& other) noexcept {
    if (this != &other) {
        detach_poll();
        close_wake_fds();
        socket_ = std::move(other.socket_);
        poll_ = std::move(other.poll_);
        closed_.store(other.closed_.load());
        read_.deadline.store(other.read_.deadline.load());
        write_.deadline.store(other.write_.deadline.load());
        read_.wake_fd = std::exchange(other.read_.wake_fd, -1);
        write_.wake_fd = std::exchange(other.write_.wake_fd, -1);
        read_.drained = other.read_.drained;
    }
    return *this;
}

Conn::~Conn() {
    detach_poll();
    close_wake_fds();
}

// The descriptor leaves the fibers' loop before it closes (off the loop's thread, socket_ moves
// into the loop, which closes it: see PollDesc::detach).
void Conn::detach_poll() {
    if (poll_) detail::PollDesc::detach(std::move(poll_), socket_);
}

void Conn::close_wake_fds() noexcept {
    if (read_.wake_fd >= 0) ::close(std::exchange(read_.wake_fd, -1));
    if (write_.wake_fd >= 0) ::close(std::exchange(write_.wake_fd, -1));
}

// Go's order: a closed Conn or a passed deadline fails the call before any I/O is tried.
std::error_code Conn::check(const Waiter& w) const noexcept {
    if (closed() || !socket_.valid()) return Error::closed;
    const std::int64_t d = w.deadline.load(std::memory_order_acquire);
    if (d != 0 && to_ns(Clock::now()) >= d) return Error::timeout;
    return {};
}

int Conn::wake_fd(Waiter& w) {
    // Only the thread of this direction creates its fd, so it may read it without the lock.
    if (w.wake_fd >= 0) return w.wake_fd;
    std::lock_guard lock(wake_mu_);
    if (w.wake_fd < 0) w.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return w.wake_fd;
}

// Waits until the socket is ready for `events`, the deadline passes, or the Conn is closed.
// Returns {} when the caller should retry its I/O.
std::error_code Conn::wait(Waiter& w, short events) {
    if (Fiber::current() != nullptr) {
        return park(w, events == POLLIN ? Interest::readable : Interest::writable);
    }
    // Created before the deadline is read: a setter that runs after this line sees the fd and
    // signals it; one that ran before stored a deadline we are about to read.
    const int wake = wake_fd(w);
    if (wake < 0) return last_error();
    for (;;) {
        if (auto ec = check(w)) return ec;
        timespec left{};
        timespec* timeout = nullptr;
        if (const std::int64_t d = w.deadline.load(std::memory_order_acquire); d != 0) {
            const std::int64_t ns = d - to_ns(Clock::now());
            if (ns <= 0) return Error::timeout;
            left.tv_sec = ns / 1'000'000'000;
            left.tv_nsec = ns % 1'000'000'000;
            timeout = &left;
        }
        pollfd fds[2] = {{socket_.fd(), events, 0}, {wake, POLLIN, 0}};
        if (::ppoll(fds, 2, timeout, nullptr) < 0) {
            if (errno == EINTR) continue;
            return last_error();
        }
        if (fds[1].revents != 0) {
            std::uint64_t count;
            (void)!::read(wake, &count, sizeof count);  // drain; then re-read the deadline
        }
        if (fds[0].revents != 0) return {};
    }
}

// The fiber's wait: park on the loop instead of sleeping in ppoll.
std::error_code Conn::park(Waiter& w, Interest direction) {
    // Published before the deadline is read, for the same reason as the wake fd above: a setter
    // that runs after poll_desc() sees poll_ and notifies it.
    detail::PollDesc* pd = poll_desc();
    if (auto ec = check(w)) return ec;
    return pd->wait(direction, w.deadline.load(std::memory_order_acquire));
}

detail::PollDesc* Conn::poll_desc() {
    EventLoop& loop = Fiber::current()->loop();
    std::lock_guard lock(wake_mu_);
    if (!poll_) {
        poll_ = std::make_shared<detail::PollDesc>(loop, socket_.fd());
    } else if (&poll_->loop() != &loop) {
        // One registration, on one loop: its table and timers belong to that loop's thread.
        throw std::logic_error("net::Conn: waited on by fibers of two different event loops");
    }
    return poll_.get();
}

// Wait first after a short read. A read that did not fill the buffer most likely emptied the
// socket, and the next one would find nothing: a request/response peer sends again only after
// our answer. Trying it anyway costs read(EAGAIN) + ppoll + read per message; polling first costs
// ppoll + read. When the guess is wrong ppoll returns at once, and a full read switches back.
Result<std::size_t> Conn::read(void* data, std::size_t size) {
    if (read_.drained && size > 0) {
        if (auto ec = wait(read_, POLLIN)) return ec;
    }
    for (;;) {
        if (auto ec = check(read_)) return ec;
        auto n = socket_.read(data, size);
        if (n) {
            read_.drained = *n < size;
            return n;
        }
        if (!would_block(n.error())) return n;
        if (auto ec = wait(read_, POLLIN)) return ec;
    }
}

Result<std::size_t> Conn::write_some(const iovec* iov, std::size_t count) {
    for (;;) {
        if (auto ec = check(write_)) return ec;
        auto n = socket_.writev({iov, count});
        if (n || !would_block(n.error())) return n;
        if (auto ec = wait(write_, POLLOUT)) return ec;
    }
}

Result<std::size_t> Conn::write(const void* data, std::size_t size) {
    const iovec one{const_cast<void*>(data), size};
    return writev({&one, 1});
}

Result<std::size_t> Conn::writev(std::span<const iovec> buffers) {
    // The kernel may take part of what we offer; we advance through a private copy of the
    // vector (in batches of 64) until every byte is gone.
    constexpr std::size_t batch_max = 64;
    iovec batch[batch_max];
    std::size_t index = 0, offset = 0, total = 0;
    bool first_call = true;
    while (index < buffers.size() || first_call) {
        first_call = false;
        std::size_t count = 0;
        for (std::size_t i = index; i < buffers.size() && count < batch_max; ++i) {
            const std::size_t skip = i == index ? offset : 0;
            if (buffers[i].iov_len == skip) continue;
            batch[count++] = {static_cast<char*>(buffers[i].iov_base) + skip,
                              buffers[i].iov_len - skip};
        }
        if (count == 0) {
            if (auto ec = check(write_)) return ec;  // nothing to write: still honour deadlines
            break;
        }
        auto n = write_some(batch, count);
        if (!n) return n.error();
        total += *n;
        for (std::size_t left = *n; index < buffers.size();) {
            const std::size_t take = std::min(left, buffers[index].iov_len - offset);
            offset += take;
            left -= take;
            if (offset < buffers[index].iov_len) break;
            ++index;
            offset = 0;
        }
    }
    return total;
}

void Conn::set(Waiter& w, TimePoint t) {
    w.deadline.store(to_ns(t), std::memory_order_release);
    std::lock_guard lock(wake_mu_);
    signal_fd(w.wake_fd);  // a blocked call wakes and re-reads the deadline
    if (poll_) poll_->notify(&w == &read_ ? Interest::readable : Interest::writable);
}

void Conn::set_deadline(TimePoint t) {
    set(read_, t);
    set(write_, t);
}
void Conn::set_read_deadline(TimePoint t) {
    set(read_, t);
}
void Conn::set_write_deadline(TimePoint t) {
    set(write_, t);
}

std::error_code Conn::close() noexcept {
    if (closed_.exchange(true, std::memory_order_acq_rel)) return {};
    // shutdown(2) wakes any poll on the socket; the eventfds cover a call about to poll.
    if (socket_.valid()) (void)::shutdown(socket_.fd(), SHUT_RDWR);
    std::lock_guard lock(wake_mu_);
    signal_fd(read_.wake_fd);
    signal_fd(write_.wake_fd);
    if (poll_) poll_->notify(Interest::both);
    return {};
}

std::error_code Conn::shutdown_write() noexcept {
    return socket_.shutdown_write();
}

Socket Conn::release() noexcept {
    close_wake_fds();
    if (poll_ && poll_->detach_defers()) {
        // Only the loop's thread can take the descriptor out of the loop, and it must stay open
        // until then: hand back a duplicate (same socket, same flags) and let the loop close
        // the original.
        Socket copy(::fcntl(socket_.fd(), F_DUPFD_CLOEXEC, 0));
        detach_poll();
        return copy;
    }
    detach_poll();
    return std::move(socket_);
}

}  // namespace wire::net
