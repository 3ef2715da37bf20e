// UringPoller, sending side: sends at the end of the pass and the bytes the kernel refused
// (net/detail/uring_poller.hpp, "Sends").
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "net/detail/uring_poller.hpp"

namespace wire::net::detail {
namespace {

// send(2) until the kernel refuses: returns the bytes taken; `error` is set (0 for EAGAIN) when
// it stopped short.
std::size_t send_what_fits(int fd, const std::uint8_t* data, std::size_t size,
                           int& error) noexcept {
    std::size_t done = 0;
    error = 0;
    while (done < size) {
        const long n = ::send(fd, data + done, size - done, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
        } else if (errno != EINTR) {
            if (errno != EAGAIN) error = errno;
            break;
        }
    }
    return done;
}

}  // namespace

long UringPoller::send(int fd, std::span<const iovec> buffers) noexcept {
    FdState* s = state(fd);
    if (send_refused_ || s == nullptr || !s->registered) return Poller::send(fd, buffers);
    std::size_t size = 0;
    for (const iovec& b : buffers)
        size += b.iov_len;
    if (s->queued_send && (size >= UringSends::direct_min || !sends_.has_room(size) ||
                           sends_.queued_beyond(fd, UringSends::direct_min - size))) {
        // The loop holds a socket's bytes of a pass up to about one large send: past that, they
        // go now, and a refusal reaches the owner as with send(2), so that its own limits on
        // what it queues hold.
        settle(fd, *s);
    }
    if (s->send_failed || s->unsent) {
        const UringSends::Unsent* u = sends_.find_unsent(fd);
        // The socket's send error; a shutdown due: like writing after shutdown(2); bytes held:
        // no room until they are gone.
        errno = u == nullptr ? EAGAIN : u->error != 0 ? u->error : u->shutdown_due ? EPIPE : EAGAIN;
        return -1;
    }
    // Large sends (and a full arena) go to the kernel at once; the copy would cost more than
    // the call.
    if (!s->queued_send && (size >= UringSends::direct_min || !sends_.has_room(size)))
        return Poller::send(fd, buffers);
    if (size == 0) return 0;
    try {
        sends_.queue(fd, buffers, s->queued_send);
    } catch (const std::bad_alloc&) {
        errno = ENOBUFS;
        return -1;
    }
    s->queued_send = true;
    return static_cast<long>(size);
}

std::size_t UringPoller::unsent(int fd) const noexcept {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= fds_.size() || !fds_[index].unsent) return 0;
    const UringSends::Unsent* u = sends_.find_unsent(fd);
    return u == nullptr ? 0 : u->bytes.size();
}

// Oldest first: the bytes the kernel refused, then those of this pass.
void UringPoller::take_unsent(int fd, std::string& into) {
    FdState* s = state(fd);
    if (s == nullptr) return;
    if (const UringSends::Unsent* u = sends_.find_unsent(fd); u != nullptr && s->unsent)
        into.append(u->bytes);
    if (s->queued_send) {
        s->queued_send = false;
        sends_.take_queued(fd, [&](const std::uint8_t* data, std::size_t size) {
            into.append(reinterpret_cast<const char*>(data), size);
        });
    }
    if (!s->unsent) return;
    sends_.forget(fd);  // no error with it: a failed send drops the bytes
    change(fd, *s, [&] { s->unsent = false; });
}

int UringPoller::shutdown_write(int fd) noexcept {
    FdState* s = state(fd);
    if (s == nullptr || !s->registered) return ::shutdown(fd, SHUT_WR);
    settle(fd, *s);
    if (s->unsent) {
        sends_.find_unsent(fd)->shutdown_due = true;  // after the bytes (drain_unsent)
        return 0;
    }
    return ::shutdown(fd, SHUT_WR);
}

// io_uring_enter(2), IORING_OP_SEND; see the header for the flags. `fixed`: the fd is also the
// number of the socket's fixed-file slot.
void UringPoller::prep_send(io_uring_sqe& sqe, std::size_t index, bool fixed) noexcept {
    const UringSends::Segment& seg = sends_.segments()[index];
    sqe.opcode = IORING_OP_SEND;
    sqe.fd = seg.fd;
    sqe.addr = reinterpret_cast<std::uint64_t>(sends_.data(seg));
    sqe.len = seg.length;
    sqe.msg_flags = MSG_DONTWAIT | MSG_WAITALL | MSG_NOSIGNAL;
    sqe.flags = IOSQE_CQE_SKIP_SUCCESS | (fixed ? IOSQE_FIXED_FILE : 0);
    sqe.user_data =
        send_bit | (std::uint64_t{index & segment_mask} << 32) | static_cast<std::uint32_t>(seg.fd);
}

// Only a send that did not take everything completes (IOSQE_CQE_SKIP_SUCCESS).
void UringPoller::complete_send(const io_uring_cqe& cqe, std::vector<PollEvent>& out) {
    const auto index = static_cast<std::size_t>((cqe.user_data >> 32) & segment_mask);
    const int fd = static_cast<int>(static_cast<std::uint32_t>(cqe.user_data));
    const auto segments = sends_.segments();
    FdState* s = state(fd);
    if (index >= segments.size() || segments[index].fd != fd || s == nullptr || !s->registered)
        return;
    const UringSends::Segment seg = segments[index];
    int res = cqe.res;
    if (res == -EINVAL || res == -EOPNOTSUPP) {
        // The kernel does not send this way: send(2) from now on, this send's bytes included.
        send_refused_ = true;
        res = 0;
    }
    if (res == -EBADF && s->fixed) {
        // The socket's slot could not be filled (the update failed, silently): this send's
        // bytes go with send(2), the slot is emptied, and sends name fds from now on.
        s->fixed = false;
        unfix_.push_back(fd);
        fixed_slots_ = 0;
        res = 0;
    }
    if (res < 0 && res != -EAGAIN && res != -EINTR) {
        fail_send(fd, *s, -res);
        out.push_back({fd, POLLERR});
        return;
    }
    const auto taken = static_cast<std::size_t>(std::max(res, 0));
    if (taken < seg.length) hold_unsent(fd, *s, sends_.data(seg) + taken, seg.length - taken);
}

void UringPoller::send_or_hold(int fd, FdState& s, const std::uint8_t* data, std::size_t size) {
    if (s.send_failed) return;
    std::size_t done = 0;
    if (!s.unsent) {
        int error = 0;
        done = send_what_fits(fd, data, size, error);
        if (error != 0) return fail_send(fd, s, error);
    }
    if (done < size) hold_unsent(fd, s, data + done, size - done);
}

void UringPoller::hold_unsent(int fd, FdState& s, const std::uint8_t* data, std::size_t size) {
    sends_.unsent(fd).bytes.append(reinterpret_cast<const char*>(data), size);
    if (!s.unsent) change(fd, s, [&] { s.unsent = true; });
}

void UringPoller::fail_send(int fd, FdState& s, int error) {
    UringSends::Unsent& u = sends_.unsent(fd);
    u.error = error;
    u.bytes.clear();
    u.shutdown_due = false;
    s.send_failed = true;
    if (s.unsent) change(fd, s, [&] { s.unsent = false; });
}

void UringPoller::settle(int fd, FdState& s) {
    if (!s.queued_send) return;
    s.queued_send = false;
    sends_.take_queued(
        fd, [&](const std::uint8_t* data, std::size_t size) { send_or_hold(fd, s, data, size); });
}

void UringPoller::forget_sends(int fd, FdState& s) noexcept {
    if (s.queued_send) sends_.take_queued(fd, [](const std::uint8_t*, std::size_t) {});
    if (s.unsent || s.send_failed) sends_.forget(fd);
    s.queued_send = false;
    s.unsent = false;
    s.send_failed = false;
}

void UringPoller::settle_all() {
    for (const UringSends::Segment& seg : sends_.segments()) {
        FdState* s = state(seg.fd);
        if (s != nullptr && s->registered) settle(seg.fd, *s);
    }
    sends_.clear();
}

void UringPoller::drain_unsent(int fd, FdState& s) {
    UringSends::Unsent* u = sends_.find_unsent(fd);
    if (u == nullptr) return;
    int error = 0;
    const std::size_t done = send_what_fits(
        fd, reinterpret_cast<const std::uint8_t*>(u->bytes.data()), u->bytes.size(), error);
    if (error != 0) return fail_send(fd, s, error);
    u->bytes.erase(0, done);
    if (!u->bytes.empty()) return;
    if (u->shutdown_due) (void)::shutdown(fd, SHUT_WR);
    sends_.forget(fd);
    change(fd, s, [&] { s.unsent = false; });
}

// Every request queued reaches the kernel before the pass's sends leave the arena: an
// io_uring_enter takes fewer only when completions must be taken first.
std::error_code UringPoller::submit_all(std::vector<PollEvent>& out) {
    for (int tries = 0; ring_->unsubmitted() > 0; ++tries) {
        if (tries == 64) return std::make_error_code(std::errc::resource_unavailable_try_again);
        if (auto ec = ring_->submit()) return ec;
        ring_->drain([&](const io_uring_cqe& cqe) { complete(cqe, out); });
    }
    sends_.clear();
    return {};
}

}  // namespace wire::net::detail
