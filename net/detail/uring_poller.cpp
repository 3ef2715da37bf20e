#include "net/detail/uring_poller.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace wire::net::detail {
namespace {

std::atomic<int> forced_failure{0};
std::atomic<bool> refuse_accept{false};
std::atomic<unsigned> buffers_for_tests{0};
std::atomic<bool> spoil_file_updates{false};

// A request's user_data: the fd in the low half, its generation in the next 30 bits, the top
// bit set for a multishot accept (whose completions carry fds, which must not be lost), the
// next one for a multishot receive (whose completions carry bytes) and the one after for a send.
// All bits set marks the requests whose completions mean nothing to us (cancellations).
constexpr std::uint64_t ignored = ~std::uint64_t{0};
// The loop's wake request (IORING_OP_TIMEOUT), and a failed move of it.
constexpr std::uint64_t wake_data = ignored - 1;
constexpr std::uint64_t wake_move_data = ignored - 2;
constexpr std::uint64_t accept_bit = std::uint64_t{1} << 63;
constexpr std::uint64_t recv_bit = std::uint64_t{1} << 62;
constexpr std::uint32_t gen_mask = 0x3fffffff;

std::uint64_t user_data(int fd, std::uint32_t gen, bool accept = false) noexcept {
    return (accept ? accept_bit : 0) | (std::uint64_t{gen & gen_mask} << 32) |
           static_cast<std::uint32_t>(fd);
}
std::uint64_t recv_data(int fd, std::uint8_t gen) noexcept {
    return recv_bit | (std::uint64_t{gen} << 32) | static_cast<std::uint32_t>(fd);
}
int fd_of(std::uint64_t data) noexcept {
    return static_cast<int>(static_cast<std::uint32_t>(data));
}
std::uint32_t gen_of(std::uint64_t data) noexcept {
    return static_cast<std::uint32_t>(data >> 32) & gen_mask;
}

// WIRE_URING_RECV=poll: connected sockets keep their polls and recv(2), as before receiving
// ahead (to compare, or to rule it out).
bool receive_by_poll() noexcept {
    const char* v = std::getenv("WIRE_URING_RECV");
    return v != nullptr && std::strcmp(v, "poll") == 0;
}

// WIRE_URING_SEND=syscall: every send is a send(2) of its own, as before sending ahead.
bool send_by_syscall() noexcept {
    const char* v = std::getenv("WIRE_URING_SEND");
    return v != nullptr && std::strcmp(v, "syscall") == 0;
}

bool accept_by_poll() noexcept {
    if (refuse_accept.load(std::memory_order_relaxed)) return true;
    const char* v = std::getenv("WIRE_URING_ACCEPT");
    return v != nullptr && std::strcmp(v, "poll") == 0;
}

// The interest as poll bits, all below 16 bits (EPOLLEXCLUSIVE is added by owner_mask).
std::uint16_t poll_events(Interest interest, bool exclusive) noexcept {
    if (exclusive) return has(interest, Interest::readable) ? POLLIN : 0;
    unsigned bits = 0;
    if (has(interest, Interest::readable)) bits |= POLLIN | POLLRDHUP;
    if (has(interest, Interest::writable)) bits |= POLLOUT;
    return static_cast<std::uint16_t>(bits);
}

// The bits of a completion that the fd's interest may hear of, as epoll would report them.
std::uint32_t reportable(std::uint32_t events) noexcept {
    std::uint32_t bits = POLLERR | POLLHUP;
    if ((events & POLLIN) != 0) bits |= POLLIN | POLLRDHUP | POLLPRI;
    if ((events & POLLOUT) != 0) bits |= POLLOUT;
    return bits;
}

}  // namespace

void fail_uring_setup_for_tests(int err) noexcept {
    forced_failure.store(err, std::memory_order_relaxed);
}

void spoil_file_updates_for_tests(bool spoil) noexcept {
    spoil_file_updates.store(spoil, std::memory_order_relaxed);
}

void use_receive_buffers_for_tests(unsigned count) noexcept {
    buffers_for_tests.store(count, std::memory_order_relaxed);
}

void refuse_multishot_accept_for_tests(bool refuse) noexcept {
    refuse_accept.store(refuse, std::memory_order_relaxed);
}

std::unique_ptr<UringPoller> UringPoller::create(std::error_code& ec) {
    if (const int err = forced_failure.load(std::memory_order_relaxed); err != 0) {
        ec = {err, std::system_category()};
        return nullptr;
    }
    auto ring = UringRing::create(ring_entries, completion_entries, ec);
    if (!ring) return nullptr;
    std::unique_ptr<UringPoller> poller(new UringPoller(std::move(ring)));
    poller->multishot_accept_ = !accept_by_poll();
    poller->receive_refused_ = receive_by_poll();
    // Why DEFER_TASKRUN: it stands for a kernel that posts a short send's count (6.0).
    poller->send_refused_ = send_by_syscall() || !poller->ring_->defer_taskrun();
    return poller;
}

// Completions already posted may carry accepted fds: they are closed with the rest.
UringPoller::~UringPoller() {
    settle_all();  // sends made after the last run(), to sockets still registered
    if (!ring_) return;
    ring_->drain([](const io_uring_cqe& cqe) {
        if (cqe.user_data != ignored && (cqe.user_data & accept_bit) != 0 && cqe.res >= 0)
            ::close(cqe.res);
    });
    // Why first: receives still in the kernel write into the buffers until the ring is gone.
    ring_.reset();
}

std::uint32_t UringPoller::owner_mask(const FdState& s) noexcept {
    if (wants_recv(s)) return s.events & POLLOUT;
    // An exclusive fd is a listening socket shared by several loops: a new connection wakes
    // one of the loops waiting on it, as EPOLLEXCLUSIVE does for epoll.
    if (s.exclusive && s.events != 0) return s.events | EPOLLEXCLUSIVE;
    return s.events;
}

UringPoller::FdState* UringPoller::state(int fd) noexcept {
    const auto index = static_cast<std::size_t>(fd);
    return fd >= 0 && index < fds_.size() ? &fds_[index] : nullptr;
}

// A connection the kernel just accepted for us is known to be open.
int UringPoller::take_accepted(int listener) noexcept {
    const int fd = accepts_.take(listener);
    if (fd >= 0 && static_cast<std::size_t>(fd) < fds_.size())
        fds_[static_cast<std::size_t>(fd)].accepted = true;
    return fd;
}

std::error_code UringPoller::add(int fd, Interest interest, bool exclusive) {
    if (fd < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    const auto index = static_cast<std::size_t>(fd);
    const bool accepted = index < fds_.size() && fds_[index].accepted;
    // Why: epoll_ctl checks the descriptor at once; a poll request would only fail later. A
    // connection take_accepted just handed out needs no check (a system call per connection).
    if (!accepted && ::fcntl(fd, F_GETFD) < 0)
        return std::make_error_code(std::errc::bad_file_descriptor);
    if (index >= fds_.size()) fds_.resize(index + 1 + index / 2);
    FdState& s = fds_[index];
    // Why: one registration per fd, as epoll_ctl's EEXIST says.
    if (s.registered) return std::make_error_code(std::errc::file_exists);
    // A socket closed without leaving the loop (which its owner must not do) left its bytes.
    forget_sends(fd, s);
    s.registered = true;
    s.accepted = false;
    s.exclusive = exclusive;
    s.in_flight = false;
    s.accepts = false;
    s.accepting = false;
    s.receives = false;
    s.receiving = false;
    s.starved = false;
    s.ended = false;
    s.bulk = false;
    s.events = poll_events(interest, exclusive);
    ++s.gen;
    if (wants_poll(s)) queue_arm(fd, s);
    return {};
}

std::error_code UringPoller::modify(int fd, Interest, Interest to, bool exclusive) {
    FdState* s = state(fd);
    if (s == nullptr || !s->registered)
        return std::make_error_code(std::errc::no_such_file_or_directory);
    change(fd, *s, [&] { s->events = poll_events(to, exclusive); });
    return {};
}

// What the kernel holds for the fd is brought in line with what the state wants at the next
// wait, after a change of interest or of the receive's state (change(), in the header).
void UringPoller::changed(int fd, FdState& s, std::uint32_t old_mask, bool old_recv) {
    const bool recv = wants_recv(s);
    // Back-pressure or the end: the kernel stops receiving; bytes taken so far stay held.
    if (s.receiving && !recv) cancel_receive(fd, s);
    if (!s.in_flight || poll_mask(s) != old_mask || recv != old_recv) {
        // The request in flight asks for the old events: cancelled, and its completion, should
        // it come all the same, belongs to an older generation.
        if (s.in_flight) cancel(fd, s);
        ++s.gen;
    }
    if ((wants_poll(s) && !s.in_flight) || (recv && !s.receiving)) queue_arm(fd, s);
}

void UringPoller::receive_ahead(int fd) {
    FdState* s = state(fd);
    if (receive_refused_ || s == nullptr || !s->registered || s->exclusive || s->accepts ||
        s->receives)
        return;
    // Why: without DEFER_TASKRUN the kernel may run a receive between our calls, after we
    // decided to cancel it, and bytes could arrive for a socket that has moved on.
    if (ring_ && !ring_->defer_taskrun()) {
        receive_refused_ = true;
        return;
    }
    if (!buffers_) {
        const unsigned forced = buffers_for_tests.load(std::memory_order_relaxed);
        const unsigned count = forced != 0 ? forced : receive_buffers;
        buffers_ = std::make_unique<UringBuffers>(
            count, receive_buffer_size, std::min(std::bit_ceil(count), receive_ring_slots));
    }
    change(fd, *s, [&] { s->receives = true; });
}

void UringPoller::cancel_receive(int fd, FdState& s) {
    cancel_.push_back(recv_data(fd, s.recv_gen));
    s.receiving = false;
}

// The kernel will not receive ahead: every socket that asked reads with recv(2) again.
void UringPoller::refuse_receives() {
    receive_refused_ = true;
    for (std::size_t i = 0; i < fds_.size(); ++i) {
        FdState& s = fds_[i];
        if (s.receives) change(static_cast<int>(i), s, [&] { s.receives = false; });
    }
}

long UringPoller::receive(int fd, void* data, std::size_t size) noexcept {
    FdState* s = state(fd);
    if (s == nullptr || !s->receives) return ::recv(fd, data, size, 0);
    auto* out = static_cast<std::uint8_t*>(data);
    std::size_t n = 0;
    while (s->head != UringBuffers::none && n < size) {
        const std::uint16_t id = s->head;
        const UringBuffers::Held& h = buffers_->held(id);
        const std::size_t take = std::min<std::size_t>(h.length, size - n);
        std::memcpy(out + n, buffers_->data(id) + h.offset, take);
        n += take;
        drop_held(*s, take);
    }
    if (n > 0 || size == 0) return static_cast<long>(n);
    if (s->ended) {
        if (s->end_errno == 0) return 0;
        errno = s->end_errno;
        return -1;
    }
    // Nothing held. The socket may have bytes that the kernel's receive would take at the next
    // wait, but a caller that reads on now (a handler that reads until EAGAIN, or waits in
    // poll(2) for more) must get them now: the receive is cancelled, so recv(2) cannot take
    // bytes out of order (the header says why it takes no more), and armed again at the next
    // wait. A handler told of held bytes never gets here.
    if (s->receiving) {
        cancel_receive(fd, *s);
        queue_arm(fd, *s);
    }
    const long got = ::recv(fd, data, size, 0);
    if (s->bulk && got >= 0 && static_cast<std::size_t>(got) < receive_buffer_size) {
        // Small arrivals again: received ahead from the next wait on.
        change(fd, *s, [&] { s->bulk = false; });
    }
    return got;
}

// The first held buffer's bytes, in place: a frame layer reads (and unmasks) them there
// instead of copying them out. They stay put until discarded or the socket is removed; the
// kernel cannot write into the buffer before it is given back at a later wait.
std::span<std::uint8_t> UringPoller::peek_received(int fd) noexcept {
    FdState* s = state(fd);
    if (s == nullptr || !s->registered || !s->receives || s->head == UringBuffers::none) return {};
    const UringBuffers::Held& h = buffers_->held(s->head);
    return {buffers_->data(s->head) + h.offset, h.length};
}

void UringPoller::discard_received(int fd, std::size_t n) noexcept {
    FdState* s = state(fd);
    if (s == nullptr || !s->registered || !s->receives) return;
    while (n > 0 && s->head != UringBuffers::none) {
        const std::size_t take = std::min<std::size_t>(buffers_->held(s->head).length, n);
        drop_held(*s, take);
        n -= take;
    }
}

// The first `n` held bytes (at most the head buffer's) are used; an emptied buffer goes back.
void UringPoller::drop_held(FdState& s, std::size_t n) noexcept {
    const std::uint16_t id = s.head;
    UringBuffers::Held& h = buffers_->held(id);
    h.offset += static_cast<std::uint32_t>(n);
    h.length -= static_cast<std::uint32_t>(n);
    if (h.length == 0) {
        s.head = h.next;
        buffers_->put(id);
    }
}

std::size_t UringPoller::received(int fd) const noexcept {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= fds_.size() || !buffers_) return 0;
    std::size_t total = 0;
    for (std::uint16_t id = fds_[index].head; id != UringBuffers::none;
         id = buffers_->held(id).next)
        total += buffers_->held(id).length;
    return total;
}

void UringPoller::hold(int fd, FdState& s, std::uint16_t id) {
    if (s.head == UringBuffers::none) {
        s.head = id;
    } else {
        std::uint16_t last = s.head;
        while (buffers_->held(last).next != UringBuffers::none)
            last = buffers_->held(last).next;
        buffers_->held(last).next = id;
    }
    list_held(fd, s);
}

void UringPoller::list_held(int fd, FdState& s) {
    if (s.listed) return;
    s.listed = true;
    held_.push_back(fd);
}

// The bytes an fd held go back unread: it is leaving the loop.
void UringPoller::release(FdState& s) noexcept {
    while (s.head != UringBuffers::none) {
        const std::uint16_t id = s.head;
        s.head = buffers_->held(id).next;
        buffers_->put(id);
    }
    s.ended = false;
    s.end_errno = 0;
}

void UringPoller::cancel(int fd, FdState& s) {
    cancel_.push_back(user_data(fd, s.gen, s.accepting));
    s.in_flight = false;
    s.accepting = false;
}

void UringPoller::accept_ahead(int fd) {
    FdState* s = state(fd);
    if (!multishot_accept_ || s == nullptr || !s->registered || s->accepts) return;
    // Why: a socket shared by several loops keeps its exclusive poll. A multishot accept stays
    // first in the socket's wait queue and would take every connection into this loop, where
    // the exclusive polls and requeue() hand each waiting loop its turn.
    if (s->exclusive) return;
    s->accepts = true;
    accepts_.watch(fd);
    // A poll already in the kernel gives way to the accept.
    if (s->in_flight) cancel(fd, *s);
    ++s->gen;
    if (wants_poll(*s)) queue_arm(fd, *s);
}

std::error_code UringPoller::remove(int fd, Interest, bool) {
    FdState* s = state(fd);
    if (s == nullptr || !s->registered)
        return std::make_error_code(std::errc::no_such_file_or_directory);
    // Its bytes of this pass go now, before the fd closes (and its number is reused); what the
    // kernel refuses is dropped with the socket, as close(2) would drop it.
    settle(fd, *s);
    forget_sends(fd, *s);
    s->registered = false;
    if (s->accepts) accepts_.forget(fd);  // connections it had not taken are closed
    s->accepts = false;
    const bool on_loop = running_ && ::gettid() == owner_;
    if (s->fixed && (on_loop || ring_->empty_file_slot(static_cast<unsigned>(fd)))) {
        if (on_loop) unfix_.push_back(fd);  // emptied at the end of the pass
        s->fixed = false;
    }
    if (s->in_flight || s->receiving || s->fixed) {
        if (on_loop) {
            if (s->in_flight) cancel(fd, *s);
            if (s->receiving) cancel_receive(fd, *s);
        } else {
            s->in_flight = false;
            s->accepting = false;
            s->receiving = false;
            // The fd is about to close and no io_uring_enter may come soon: the request (or the
            // fixed-file slot) would keep the socket open. Closing the ring ends every request
            // and empties every slot at once.
            drop_ring();
        }
    }
    release(*s);
    s->receives = false;
    s->starved = false;
    s->bulk = false;
    ++s->gen;
    return {};
}

void UringPoller::queue_arm(int fd, FdState& s) {
    if (s.queued) return;
    s.queued = true;
    arm_.push_back(fd);
}

void UringPoller::drop_ring() noexcept {
    // Completions already posted are taken in first: accepted fds among them stay with their
    // listener (or are closed); the polls' events come again from the new ring.
    std::vector<PollEvent> dropped;
    if (ring_) ring_->drain([&](const io_uring_cqe& cqe) { complete(cqe, dropped); });
    ring_.reset();
    if (buffers_) buffers_->detach();
    cancel_.clear();
    retry_.clear();
    unfix_.clear();
    fixed_slots_ = 0;
    files_tried_ = false;
    wake_.fired();  // it went with the ring
    for (std::size_t i = 0; i < fds_.size(); ++i) {
        FdState& s = fds_[i];
        s.fixed = false;
        s.in_flight = false;
        s.accepting = false;
        s.receiving = false;
        s.starved = false;
        ++s.gen;
        if (wants_poll(s) || wants_recv(s)) queue_arm(static_cast<int>(i), s);
    }
}

std::error_code UringPoller::attach() {
    const pid_t self = ::gettid();
    // A SINGLE_ISSUER ring submits from one thread only: a loop run by another thread than
    // last time gets a new ring.
    if (ring_ && ring_->single_issuer() && owner_ != 0 && owner_ != self) {
        drop_ring();
    }
    if (!ring_) {
        std::error_code ec;
        ring_ = UringRing::create(ring_entries, completion_entries, ec);
        if (!ring_) return ec;
    }
    if (auto ec = ring_->enable()) return ec;
    owner_ = self;
    running_ = true;
    return {};
}

// Cancellations reach the kernel before run() returns: the sockets they hold close now. The
// last pass's sends go with send(2): after run() the owners may close their sockets.
void UringPoller::detach() noexcept {
    settle_all();
    if (ring_ && (!cancel_.empty() || !unfix_.empty()) && !flush()) (void)ring_->submit();
    if (ring_) ring_->leave();
    running_ = false;
}

// A free submission slot: when the ring is full, what it holds goes to the kernel first. Null
// only if the kernel takes none of it (it is short of memory for completions).
io_uring_sqe* UringPoller::next_sqe() {
    if (io_uring_sqe* sqe = ring_->sqe()) return sqe;
    if (ring_->submit()) return nullptr;
    return ring_->sqe();
}

std::error_code UringPoller::flush() {
    if (buffers_ && !buffers_->attached() && !receive_refused_) {
        // Before 5.19 the kernel has no buffer rings.
        if (!ring_->defer_taskrun() || buffers_->attach(*ring_)) refuse_receives();
    }
    for (const std::uint64_t target : cancel_) {
        io_uring_sqe* sqe = next_sqe();
        if (sqe == nullptr) return std::make_error_code(std::errc::resource_unavailable_try_again);
        // A poll is removed by its user_data; other requests, the accepts, are cancelled by it.
        sqe->opcode = (target & (accept_bit | recv_bit)) != 0 ? IORING_OP_ASYNC_CANCEL
                                                              : IORING_OP_POLL_REMOVE;
        sqe->fd = -1;
        sqe->addr = target;
        sqe->user_data = ignored;
    }
    cancel_.clear();
    // Slots of sockets that left are emptied before any is filled: the fd may be back, on
    // another socket, with a send that names the slot.
    for (const int fd : unfix_) {
        io_uring_sqe* sqe = next_sqe();
        if (sqe == nullptr) return std::make_error_code(std::errc::resource_unavailable_try_again);
        ring_->prep_file_update(*sqe, static_cast<unsigned>(fd), -1, ignored);
    }
    unfix_.clear();
    // Sends before the polls: a poll for writability armed in the same submission then sees
    // the socket's buffer with the pass's bytes in it.
    sends_.gather();
    const auto segments = sends_.segments();
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const UringSends::Segment seg = segments[i];
        FdState* s = state(seg.fd);
        if (seg.length == 0 || s == nullptr || !s->registered || !s->queued_send) continue;
        s->queued_send = false;
        const bool fixed = fix_file(seg.fd, *s);
        io_uring_sqe* sqe = next_sqe();
        if (sqe == nullptr) {  // the kernel takes no more requests now: send(2) instead
            send_or_hold(seg.fd, *s, sends_.data(seg), seg.length);
            continue;
        }
        prep_send(*sqe, i, fixed);
    }
    for (const int fd : arm_) {
        FdState& s = fds_[static_cast<std::size_t>(fd)];
        s.queued = false;
        if (!s.registered) continue;
        // Buffers are back: a socket whose receive ran dry gets one again once its poll is done.
        if (s.starved && !s.in_flight && buffers_->free_count() > 0) s.starved = false;
        if (wants_recv(s) && !s.receiving) {
            io_uring_sqe* sqe = next_sqe();
            if (sqe == nullptr)
                return std::make_error_code(std::errc::resource_unavailable_try_again);
            prep_recv(*sqe, fd, s);
        }
        if (s.in_flight || !wants_poll(s)) continue;
        io_uring_sqe* sqe = next_sqe();
        if (sqe == nullptr) return std::make_error_code(std::errc::resource_unavailable_try_again);
        prep_arm(*sqe, fd, s);
    }
    arm_.clear();
    return {};
}

bool UringPoller::fix_file(int fd, FdState& s) {
    if (s.fixed) return true;
    if (!files_tried_) {
        files_tried_ = true;
        rlimit limit{};
        const rlim_t fds = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 0;
        // The kernel refuses a table larger than the fds the process may open.
        fixed_slots_ =
            ring_->register_files(static_cast<unsigned>(std::min<rlim_t>(fds, max_fixed_files)));
    }
    if (static_cast<unsigned>(fd) >= fixed_slots_) return false;
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return false;
    // (-2: no fd, so the update fails, for the tests of that case.)
    const bool spoil = spoil_file_updates.load(std::memory_order_relaxed);
    ring_->prep_file_update(*sqe, static_cast<unsigned>(fd), spoil ? -2 : fd, ignored);
    s.fixed = true;
    return true;
}

void UringPoller::prep_arm(io_uring_sqe& sqe, int fd, FdState& s) noexcept {
    s.in_flight = true;
    s.accepting = s.accepts && multishot_accept_ && (s.events & POLLIN) != 0;
    sqe.fd = fd;
    sqe.user_data = user_data(fd, s.gen, s.accepting);
    if (!s.accepting) {
        sqe.opcode = IORING_OP_POLL_ADD;
        sqe.poll32_events = poll_mask(s);
        return;
    }
    // io_uring_enter(2), IORING_OP_ACCEPT: the multishot flag goes in ioprio; the new fds are
    // non-blocking and close-on-exec, as Listener::accept's accept4 makes them.
    sqe.opcode = IORING_OP_ACCEPT;
    sqe.ioprio = IORING_ACCEPT_MULTISHOT;
    sqe.accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
}

// io_uring_enter(2), IORING_OP_RECV: multishot in ioprio; no buffer of its own, the kernel picks
// one from the group when bytes arrive (length 0: the whole buffer).
void UringPoller::prep_recv(io_uring_sqe& sqe, int fd, FdState& s) noexcept {
    s.receiving = true;
    ++s.recv_gen;
    sqe.opcode = IORING_OP_RECV;
    sqe.fd = fd;
    sqe.ioprio = IORING_RECV_MULTISHOT;
    sqe.flags = IOSQE_BUFFER_SELECT;
    sqe.buf_group = UringBuffers::group;
    sqe.user_data = recv_data(fd, s.recv_gen);
}

void UringPoller::complete(const io_uring_cqe& cqe, std::vector<PollEvent>& out) {
    if (cqe.user_data == ignored) return;
    if (cqe.user_data == wake_data || cqe.user_data == wake_move_data) {
        // It fired (ETIME), or went with a cancellation; a move that found it gone (ENOENT)
        // means it fired. EINVAL: the kernel does not keep such requests; waits time out.
        if (cqe.user_data == wake_data) wake_.fired();
        if (cqe.res == -EINVAL) wake_refused_ = true;
        return;
    }
    if ((cqe.user_data & accept_bit) != 0) return complete_accept(cqe);
    if ((cqe.user_data & recv_bit) != 0) return complete_recv(cqe);
    if ((cqe.user_data & send_bit) != 0) return complete_send(cqe, out);
    const int fd = fd_of(cqe.user_data);
    FdState* s = state(fd);
    if (s == nullptr || !s->in_flight || s->accepting ||
        (s->gen & gen_mask) != gen_of(cqe.user_data))
        return;  // an older request's
    s->in_flight = false;
    if (cqe.res < 0) {
        // The kernel refused the poll (the fd was closed without leaving the loop): reported as
        // an error, not armed again, or it would fail again on every pass.
        out.push_back({fd, POLLERR});
        return;
    }
    std::uint32_t events = static_cast<std::uint32_t>(cqe.res);
    const bool ours = s->unsent && (events & (POLLOUT | POLLERR | POLLHUP)) != 0;
    if (ours) drain_unsent(fd, *s);
    events &= reportable(owner_mask(*s));
    // Writability is the owner's only once the loop holds none of its bytes.
    if (s->unsent) events &= ~std::uint32_t{POLLOUT};
    if (events == 0 && ours) {
        if (wants_poll(*s)) queue_arm(fd, *s);
        return;
    }
    if (events == 0) {
        // Only a peer's FIN, which the interest does not ask for (see the header).
        const auto delay = (s->events & POLLOUT) != 0 ? retry_write : retry_idle;
        retry_.push_back({fd, s->gen, Clock::now() + delay});
        return;
    }
    out.push_back({fd, events});
    queue_arm(fd, *s);
}

void UringPoller::complete_accept(const io_uring_cqe& cqe) {
    const int fd = fd_of(cqe.user_data);
    FdState* s = state(fd);
    const bool current = s != nullptr && s->in_flight && s->accepting &&
                         (s->gen & gen_mask) == gen_of(cqe.user_data);
    // A connection for a listener that has gone (or paused, its accept cancelled but this one
    // already taken): closed unless the listener is still there to take it.
    if (cqe.res >= 0 && !accepts_.push(fd, cqe.res)) ::close(cqe.res);
    if (!current || (cqe.flags & IORING_CQE_F_MORE) != 0) return;
    // The kernel ended the multishot: armed again at the next wait, and the handler hears of it
    // so that its own accept4 meets the error, if any (EMFILE: Listener sheds a connection).
    s->in_flight = false;
    s->accepting = false;
    // Why: a kernel before 5.19 does not know the flag; polls from now on.
    if (cqe.res == -EINVAL) multishot_accept_ = false;
    if (cqe.res < 0) accepts_.flag(fd);
    if (wants_poll(*s)) queue_arm(fd, *s);
}

void UringPoller::complete_recv(const io_uring_cqe& cqe) {
    const int fd = fd_of(cqe.user_data);
    FdState* s = state(fd);
    if ((cqe.flags & IORING_CQE_F_BUFFER) != 0) {
        const auto id = static_cast<std::uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
        buffers_->took(id, cqe.res > 0 ? static_cast<std::uint32_t>(cqe.res) : 0);
        ++receives_;
        // Bytes belong to the socket's stream while it is in the loop, even from a receive
        // cancelled since (which DEFER_TASKRUN rules out; see the header).
        if (cqe.res > 0 && s != nullptr && s->registered && s->receives) {
            hold(fd, *s, id);
        } else {
            buffers_->put(id);
        }
    }
    if (cqe.res == -ENOBUFS) ++receives_;
    const bool current = s != nullptr && s->registered && s->receiving &&
                         s->recv_gen == static_cast<std::uint8_t>(cqe.user_data >> 32);
    if (!current) return;
    if (cqe.res == static_cast<int>(receive_buffer_size) && !s->bulk) {
        // A whole buffer: the socket streams; recv(2) from now on (see the header).
        change(fd, *s, [&] { s->bulk = true; });
        return;
    }
    if ((cqe.flags & IORING_CQE_F_MORE) != 0) return;
    // The kernel ended the receive.
    s->receiving = false;
    // Bytes without F_MORE (the completion ring overflowed): armed again.
    change(fd, *s, [&] {
        if (cqe.res == -ENOBUFS) {
            s->starved = true;  // a poll and recv(2) until buffers are back
        } else if (cqe.res == -EINVAL) {
            receive_refused_ = true;  // a kernel before multishot receives (6.0)
            s->receives = false;
        } else if (cqe.res == 0 || (cqe.res < 0 && cqe.res != -ECANCELED)) {
            s->ended = true;  // the end of the stream, or the socket's error, after its bytes
            s->end_errno = static_cast<std::uint8_t>(std::min(-cqe.res, 255));
            list_held(fd, *s);
        }
    });
}

// Sockets with bytes received ahead are readable, pass after pass until they are read.
void UringPoller::report_held(std::vector<PollEvent>& out) {
    std::erase_if(held_, [&](int fd) {
        FdState* s = state(fd);
        if (s == nullptr) return true;
        if (!s->registered || (s->head == UringBuffers::none && !s->ended)) {
            s->listed = false;
            return true;
        }
        if ((s->events & POLLIN) != 0) out.push_back({fd, POLLIN | (s->ended ? POLLRDHUP : 0u)});
        return false;
    });
}

bool UringPoller::held_readable() const noexcept {
    for (const int fd : held_) {
        const FdState& s = fds_[static_cast<std::size_t>(fd)];
        if (s.registered && (s.events & POLLIN) != 0 && (s.head != UringBuffers::none || s.ended))
            return true;
    }
    return false;
}

// A wait of `timeout_ms` (-1: no limit) that ends no later than `left` from now (at least 1 ms).
int UringPoller::cap_timeout(int timeout_ms, Clock::duration left) noexcept {
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    const int cap = static_cast<int>(std::max<long long>(ms, 1));
    return timeout_ms < 0 ? cap : std::min(timeout_ms, cap);
}

// Due retries are queued for arming; the wait ends when the next one falls due.
int UringPoller::take_retries(int timeout_ms) {
    if (retry_.empty()) return timeout_ms;
    const auto now = Clock::now();
    auto next = Clock::time_point::max();
    std::erase_if(retry_, [&](const Retry& r) {
        if (r.when > now) {
            next = std::min(next, r.when);
            return false;
        }
        FdState* s = state(r.fd);
        if (s != nullptr && s->registered && s->gen == r.gen && !s->in_flight) queue_arm(r.fd, *s);
        return true;
    });
    if (next == Clock::time_point::max()) return timeout_ms;
    return cap_timeout(timeout_ms, next - now);
}

// About to sleep with more pages than a pass needs (receive buffers, the send arena): a burst
// has passed, and they go back to the kernel, at most once per trim_interval (a busy loop
// sleeps between many passes; trimming at each would hand back pages the next pass touches
// again). Too soon after the last trim, or with this pass's sends still in the arena, the
// sleep ends when the next one may run. Returns the timeout.
int UringPoller::trim(int timeout_ms, Clock::time_point now) {
    const bool buffers = buffers_ && buffers_->touched() > warm_buffers;
    const bool arena = sends_.trimmable();
    if (!buffers && !arena) return timeout_ms;
    if (now - last_trim_ < trim_interval)
        return cap_timeout(timeout_ms, last_trim_ + trim_interval - now);
    last_trim_ = now;
    if (buffers) buffers_->trim(warm_buffers);
    if (!arena) return timeout_ms;
    if (!sends_.empty()) return cap_timeout(timeout_ms, trim_interval);
    sends_.trim();
    return timeout_ms;
}

bool UringPoller::arm_wake(Clock::time_point deadline) {
    if (wake_refused_) return false;
    if (!wake_.needs(deadline)) return true;
    io_uring_sqe* sqe = next_sqe();
    if (sqe == nullptr) return false;
    const WakeDeadline::Split at = WakeDeadline::split(deadline);
    wake_ts_.tv_sec = at.sec;
    wake_ts_.tv_nsec = at.nsec;
    if (wake_.armed()) {
        // Moved in place (IORING_TIMEOUT_UPDATE, 5.11): one wake request in the kernel.
        sqe->opcode = IORING_OP_TIMEOUT_REMOVE;
        sqe->addr = wake_data;
        sqe->addr2 = reinterpret_cast<std::uint64_t>(&wake_ts_);
        sqe->timeout_flags = IORING_TIMEOUT_UPDATE | IORING_TIMEOUT_ABS;
        sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
        sqe->user_data = wake_move_data;
    } else {
        sqe->opcode = IORING_OP_TIMEOUT;
        sqe->addr = reinterpret_cast<std::uint64_t>(&wake_ts_);
        sqe->len = 1;
        sqe->off = 0;  // no completion count: a plain timer
        sqe->timeout_flags = IORING_TIMEOUT_ABS;
        sqe->user_data = wake_data;
    }
    sqe->fd = -1;
    wake_.set(deadline);
    return true;
}

std::error_code UringPoller::wait(std::vector<PollEvent>& out, int timeout_ms,
                                  Clock::time_point since) {
    out.clear();
    timeout_ms = take_retries(timeout_ms);
    if (buffers_) {
        buffers_->refill(receives_);
        receives_ = 0;
    }
    if (auto ec = flush()) return ec;
    // Listeners with connections waiting are readable, pass after pass until they are taken; a
    // paused one (interest none) hears of them when it resumes.
    const auto readable = [&](int fd) {
        const FdState* s = state(fd);
        return s != nullptr && s->registered && (s->events & POLLIN) != 0;
    };
    bool waiting = false;
    (void)accepts_.each_pending([&](int fd) {
        if (readable(fd)) waiting = true;
        return false;  // only looking
    });
    if (ring_->has_completions() || waiting || held_readable()) timeout_ms = 0;
    // The pass's time, at most a pass old: a second between trims needs no better.
    if (timeout_ms != 0) timeout_ms = trim(timeout_ms, since);
    // A timeout counted from the pass's start ends no later than one counted from now.
    if (timeout_ms > 0 && arm_wake(since + std::chrono::milliseconds(timeout_ms))) timeout_ms = -1;
    if (auto ec = ring_->submit_and_wait(timeout_ms)) return ec;
    ring_->drain([&](const io_uring_cqe& cqe) { complete(cqe, out); });
    if (auto ec = submit_all(out)) return ec;
    // Held bytes first, as an epoll wait would often list them: a handler that reads and
    // answers then finds its peers' queues still waiting for writability, and its answers join
    // them in the same write (a fan-out's batching), rather than each going out on its own.
    const auto polled = static_cast<std::ptrdiff_t>(out.size());
    report_held(out);
    std::rotate(out.begin(), out.begin() + polled, out.end());
    (void)accepts_.each_pending([&](int fd) {
        if (!readable(fd)) return false;
        out.push_back({fd, POLLIN});
        return true;
    });
    return {};
}

}  // namespace wire::net::detail
