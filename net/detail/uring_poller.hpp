// UringPoller: the EventLoop's kernel side on io_uring (net/detail/uring_ring.hpp).
//
// Readiness through poll requests (IORING_OP_POLL_ADD), one per registered fd, each one-shot:
// when it completes the loop dispatches the event, and at the start of the next wait the request
// is armed again if the fd's interest still wants it. An fd that is still ready then completes
// at once, which is level triggering, as the epoll backend has (net/event_loop.hpp says why the
// loop wants it). Interest changes and re-arms are queued in memory and reach the kernel with
// the next wait: one io_uring_enter per loop pass, whatever the number of fds that changed.
//
// Not one multishot poll per fd (IORING_POLL_ADD_MULTI): it completes when the socket's wait
// queue is woken, when bytes arrive, not while bytes wait unread (edge triggering), and the
// kernel refuses IORING_POLL_ADD_LEVEL on it (EINVAL). The one-shot re-arm is the level check,
// and it rides in the wait's io_uring_enter: no system call of its own (docs/performance.md,
// "io_uring: where the system calls go").
//
// Every request carries the fd and a generation number; a change of interest bumps the
// generation and cancels the request in flight (IORING_OP_POLL_REMOVE), so a completion of an
// older request, already on its way, is recognised and dropped.
//
// A poll request holds a reference to the socket (epoll does not): a socket removed from the
// loop and closed stays open until its cancellation has been processed. On the loop's thread
// that is the next io_uring_enter, at the end of the same pass (or the one run() makes as it
// returns, so a listener closed just before a stop() stops listening). A removal made while the
// loop does not run closes the whole ring instead (every request goes with it) and the next run()
// builds a new one, arming the fds that are still registered.
//
// A listening socket of one loop (accept_ahead; not one shared through add_exclusive, whose
// loops take turns) gets one multishot accept instead of its poll while its interest is
// readable: the kernel accepts each connection as it comes and the completion carries the fd
// (net/detail/uring_accepts.hpp keeps them), so no accept4(2) per connection. The request keeps
// the RLIMIT_NOFILE of the moment it was armed (the kernel reads it once).
// The handler is told the listener is readable while connections wait, as often as it leaves
// some (level triggering again). A paused listener (interest none) has its accept cancelled:
// connections wait in the kernel's queue again. When the kernel ends the multishot (a completion
// without IORING_CQE_F_MORE: an error such as EMFILE, or the kernel's own reasons) the handler
// hears of it, its own accept4 reports the error, and the accept is armed again at the next
// pass. Kernels before 5.19 refuse the flag (EINVAL): polls from then on. A connection that
// arrives for a listener that has gone is closed (its client sees the end).
// WIRE_URING_ACCEPT=poll (read when the loop is made) keeps polls for listening sockets too.
//
// A connected socket whose owner reads only through EventLoop::receive (receive_ahead) gets a
// multishot receive (IORING_OP_RECV with IORING_RECV_MULTISHOT and IOSQE_BUFFER_SELECT, 6.0)
// instead of a readable poll while its interest is readable: the kernel receives each arrival
// into one of the loop's buffers (net/detail/uring_buffers.hpp) inside the io_uring_enter the
// loop makes anyway, so neither the wait nor the read is a system call of its own. The bytes
// wait chained to the socket's state; receive() copies them out (the copy recv(2) would make)
// and gives each buffer back once read. While bytes (or the end of the stream, or an error)
// wait and the interest is readable, the handler is told each pass: level triggering again.
// Order: a socket is read either by its receive in the kernel or by recv(2), never both at
// once. receive() calls recv(2) only while no receive is armed, after the bytes already taken.
// A receive is cancelled when the interest stops being readable (back-pressure: the kernel then
// leaves bytes in the socket), when the socket leaves the loop, and never loses bytes: with
// DEFER_TASKRUN (required; otherwise recv(2) as before) the kernel completes requests only inside
// our io_uring_enter, and submits the cancellation before it runs any receive.
// When the kernel ends a receive because every buffer was in use (ENOBUFS), the socket waits on
// a readable poll and recv(2) until buffers are back, then gets a receive again.
// Bulk: receiving ahead saves a system call per read but costs a copy (the kernel's into the
// loop's buffer, then ours into the caller's). Where arrivals are large (one fills a whole
// buffer: a 64 KiB message, a file upload) the copy costs more than the call, so such a socket
// goes back to a poll and recv(2) straight into the caller's buffer, and gets a receive again
// once a read returns less than a buffer's worth.
// WIRE_URING_RECV=poll (read when the loop is made) keeps polls and recv(2) for them too.
//
// Sends (EventLoop::send): a handler's send is copied into the loop's arena
// (net/detail/uring_sends.hpp) and at the next wait each socket that sent gets one IORING_OP_SEND
// of all its bytes of the pass, in the same io_uring_enter as the wait: no sendto(2) per
// response. Each is MSG_DONTWAIT, so the kernel tries it once, at submission, like a
// non-blocking send(2): in order, before the wait, while the arena is unchanged. MSG_WAITALL
// with IOSQE_CQE_SKIP_SUCCESS: a send that took everything posts no completion (and so does
// not end the wait early); one that took less posts how much it took, or the error. What the
// kernel refused stays with the loop (unsent), a poll for writability brings it out with
// send(2), and the owner hears of writability only once it has gone. Sends of one socket never
// overtake each other, and the owner's own calls come after what the loop holds: remove() and
// take_unsent() send the socket's bytes of the pass at once (send(2)) before the fd closes or
// other code writes it, and shutdown_write() waits for them. The kernel must post a short
// send's count (Linux 6.0): sends ahead need DEFER_TASKRUN (6.1), like receives, and
// WIRE_URING_SEND=syscall (read when the loop is made) keeps send(2) for every send.
// A send names its socket by a fixed-file slot (IOSQE_FIXED_FILE): a request on a plain fd
// makes the kernel look the fd up and take a reference on its file, and release it after, every
// time (~2% of a keep-alive request's CPU here, of which about half is saved: the send then
// meets the file's cold cache lines itself). The ring gets an empty table of slots, as many
// as the process may open fds (at most max_fixed_files), at its first send, and each socket
// that sends gets the slot numbered like its fd: a file update queued ahead of its first send,
// in the same io_uring_enter, and another that empties the slot when it leaves the loop. Like a
// poll request, a slot holds a reference to the socket, so a socket removed and closed stays
// open until the end of the pass (a removal while the loop does not run empties the slot with
// a system call of its own). Numbering the slots like the fds means that a number reused
// in the same pass is emptied and filled again, in that order, before any send names it. An fd
// past the table, or a kernel without sparse tables (5.19), sends by fd as before.
//
// Timeouts: a wait that must end by a deadline (the loop's next timer) is ended by one
// IORING_OP_TIMEOUT at an absolute time, kept in the kernel across waits and moved in place
// (net/detail/wake_deadline.hpp says why and when), not by io_uring_enter's timeout. A kernel
// that refuses it gets the wait's own timeout, as before.
//
// io_uring reports a peer's FIN (POLLRDHUP) to every poll of the socket, whatever it asked for.
// epoll reports it only to readable interest: a loop that waits only for writability on a
// half-closed socket would otherwise be told of the FIN again and again. Such a completion is
// not dispatched and the poll is armed again a little later (retry_write, retry_idle).
#pragma once

#include <poll.h>
#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>
#include <vector>

#include "net/detail/poller.hpp"
#include "net/detail/uring_accepts.hpp"
#include "net/detail/uring_buffers.hpp"
#include "net/detail/uring_ring.hpp"
#include "net/detail/uring_sends.hpp"
#include "net/detail/wake_deadline.hpp"

namespace wire::net::detail {

class UringPoller final : public Poller {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr unsigned ring_entries = 256;
    // Completion slots: a pass may complete a receive for every connection of the loop at once.
    // Past that the kernel keeps completions in a slower overflow list and ends multishot
    // requests, which are then armed again.
    static constexpr unsigned completion_entries = 4096;
    static constexpr std::chrono::milliseconds retry_write{1};
    static constexpr std::chrono::milliseconds retry_idle{50};
    // The loop's receive buffers (net/detail/uring_buffers.hpp): virtual memory, of which only
    // the buffers that carry bytes get pages.
    static constexpr unsigned receive_buffers = 4096;
    // Ring slots: at most this many buffers are lent at once (16 bytes each, touched in turn).
    static constexpr unsigned receive_ring_slots = 1024;
    static constexpr std::size_t receive_buffer_size = 16 * 1024;
    // A loop about to sleep gives back the pages of its receive buffers but the warmest
    // `warm_buffers`, and of its send arena but the first UringSends::warm_bytes, at most once
    // per `trim_interval` (net/detail/uring_buffers.hpp and uring_sends.hpp, trim).
    static constexpr std::size_t warm_buffers = 16;
    static constexpr std::chrono::seconds trim_interval{1};
    // Fixed-file slots at most (8 bytes of kernel memory each), however many fds the process
    // may open.
    static constexpr unsigned max_fixed_files = 65536;

    // Null, with the reason in `ec`, when the kernel has no io_uring the loop can use.
    static std::unique_ptr<UringPoller> create(std::error_code& ec);

    LoopBackend backend() const noexcept override { return LoopBackend::uring; }
    std::error_code add(int fd, Interest interest, bool exclusive) override;
    std::error_code modify(int fd, Interest from, Interest to, bool exclusive) override;
    std::error_code remove(int fd, Interest current, bool exclusive) override;
    std::error_code requeue(int) override { return {}; }  // each re-arm joins the queue's back
    std::error_code attach() override;
    void detach() noexcept override;
    std::error_code wait(std::vector<PollEvent>& out, int timeout_ms,
                         Clock::time_point since) override;
    void accept_ahead(int fd) override;
    int take_accepted(int fd) noexcept override;
    void receive_ahead(int fd) override;
    long receive(int fd, void* data, std::size_t size) noexcept override;
    std::span<std::uint8_t> peek_received(int fd) noexcept override;
    void discard_received(int fd, std::size_t n) noexcept override;
    std::size_t received(int fd) const noexcept override;
    long send(int fd, std::span<const iovec> buffers) noexcept override;
    std::size_t unsent(int fd) const noexcept override;
    void take_unsent(int fd, std::string& into) override;
    int shutdown_write(int fd) noexcept override;
    ~UringPoller() override;

  private:
    // 12 bytes per fd: part of every idle connection's cost (docs/performance.md).
    struct FdState {
        std::uint16_t events = 0;                 // the interest, as poll bits
        std::uint16_t head = UringBuffers::none;  // the first buffer of bytes received ahead
        std::uint32_t gen : 31 = 0;   // of the poll in flight, or of the next one (30 bits)
        std::uint32_t fixed : 1 = 0;  // in the ring's fixed-file slot numbered like the fd
        std::uint8_t recv_gen = 0;    // of the receive in flight
        std::uint8_t end_errno = 0;   // with `ended`: 0 end of stream, or the error
        bool registered : 1 = false;
        bool exclusive : 1 = false;    // added with add_exclusive
        bool in_flight : 1 = false;    // a poll (or accept) request is in the kernel
        bool queued : 1 = false;       // in arm_ (re-armed at the next wait)
        bool accepts : 1 = false;      // a listening socket that accepts ahead
        bool accepting : 1 = false;    // the request in flight is a multishot accept
        bool receives : 1 = false;     // its owner reads through receive() (receive_ahead)
        bool receiving : 1 = false;    // a multishot receive is in the kernel
        bool starved : 1 = false;      // the kernel ended its receive for want of buffers
        bool ended : 1 = false;        // the receive saw the end of the stream or an error
        bool listed : 1 = false;       // in held_
        bool bulk : 1 = false;         // its arrivals fill whole buffers: recv(2) straight in
        bool queued_send : 1 = false;  // has bytes in this pass's sends (sends_)
        bool unsent : 1 = false;       // the kernel refused bytes the loop holds (sends_)
        bool send_failed : 1 = false;  // a send failed; the error is in sends_
        bool accepted : 1 = false;     // handed out by take_accepted, not added since
    };
    static_assert(sizeof(FdState) == 12);
    struct Retry {
        int fd;
        std::uint32_t gen;
        Clock::time_point when;
    };

    explicit UringPoller(std::unique_ptr<UringRing> ring) noexcept : ring_(std::move(ring)) {}
    // A registered fd has a poll request unless it is exclusive with no interest (epoll leaves
    // those out of its set too); interest none still hears of errors and hang-ups.
    // A socket that receives ahead needs its poll only for writability while the receive is
    // armed (errors and hang-ups reach the receive too).
    static bool wants_recv(const FdState& s) noexcept {
        return s.registered && s.receives && !s.starved && !s.ended && !s.bulk &&
               (s.events & POLLIN) != 0;
    }
    // What the kernel's poll asks for: the owner's interest, and writability while unsent
    // bytes wait (the owner hears of that only through its own interest).
    static std::uint32_t poll_mask(const FdState& s) noexcept {
        return owner_mask(s) | (s.unsent ? POLLOUT : 0u);
    }
    static std::uint32_t owner_mask(const FdState& s) noexcept;
    static bool wants_poll(const FdState& s) noexcept {
        if (!s.registered) return false;
        if (wants_recv(s)) return poll_mask(s) != 0;
        return !s.exclusive || s.events != 0;
    }
    FdState* state(int fd) noexcept;
    void queue_arm(int fd, FdState& s);
    io_uring_sqe* next_sqe();
    std::error_code flush();
    void complete(const io_uring_cqe& cqe, std::vector<PollEvent>& out);
    void complete_accept(const io_uring_cqe& cqe);
    void complete_recv(const io_uring_cqe& cqe);
    // A send's user_data: this bit, its segment of the pass (net/detail/uring_sends.hpp) in
    // bits 32-60, the fd in the low half (the other kinds: uring_poller.cpp, user_data).
    static constexpr std::uint64_t send_bit = std::uint64_t{1} << 61;
    static constexpr std::uint32_t segment_mask = 0x1fffffff;
    // Applies `mutate` to the fd's state, then brings the kernel's requests in line with it:
    // the one way interest, receiving, starving, ending and bulk change.
    template <class F>
    void change(int fd, FdState& s, F&& mutate) {
        const std::uint32_t old_mask = poll_mask(s);
        const bool old_recv = wants_recv(s);
        mutate();
        changed(fd, s, old_mask, old_recv);
    }
    void changed(int fd, FdState& s, std::uint32_t old_mask, bool old_recv);
    void cancel_receive(int fd, FdState& s);
    void drop_held(FdState& s, std::size_t n) noexcept;
    void list_held(int fd, FdState& s);
    static int cap_timeout(int timeout_ms, Clock::duration left) noexcept;
    int trim(int timeout_ms, Clock::time_point now);
    void prep_recv(io_uring_sqe& sqe, int fd, FdState& s) noexcept;
    // The fd's socket in its fixed-file slot (the update queued now, ahead of the request that
    // uses it): true if the next request may name it by slot.
    bool fix_file(int fd, FdState& s);
    void prep_send(io_uring_sqe& sqe, std::size_t index, bool fixed) noexcept;
    void complete_send(const io_uring_cqe& cqe, std::vector<PollEvent>& out);
    // send(2) of `size` bytes after those the loop already holds for the fd; what the kernel
    // refuses is held (unsent) until the socket is writable.
    void send_or_hold(int fd, FdState& s, const std::uint8_t* data, std::size_t size);
    void hold_unsent(int fd, FdState& s, const std::uint8_t* data, std::size_t size);
    void fail_send(int fd, FdState& s, int error);
    // The fd's bytes of this pass, sent now with send(2) (before the fd closes, or other code
    // writes it).
    void settle(int fd, FdState& s);
    // Whatever the loop holds for the fd's sends is dropped (it is leaving, or was closed).
    void forget_sends(int fd, FdState& s) noexcept;
    void settle_all();
    // The held bytes, sent with send(2) now that the socket is writable (and the shutdown due
    // after them).
    void drain_unsent(int fd, FdState& s);
    std::error_code submit_all(std::vector<PollEvent>& out);
    void hold(int fd, FdState& s, std::uint16_t id);
    void release(FdState& s) noexcept;
    void report_held(std::vector<PollEvent>& out);
    bool held_readable() const noexcept;
    void refuse_receives();
    void cancel(int fd, FdState& s);
    void prep_arm(io_uring_sqe& sqe, int fd, FdState& s) noexcept;
    int take_retries(int timeout_ms);
    // The ring's own timeout request wakes the wait at `deadline` or earlier (one is kept in
    // the kernel and moved only when the deadline comes sooner); false if it cannot be armed.
    bool arm_wake(Clock::time_point deadline);
    void drop_ring() noexcept;

    std::unique_ptr<UringRing> ring_;
    // The kernel's id of the thread the ring submits from (SINGLE_ISSUER); not a
    // std::thread::id, which a thread started after another has ended may reuse.
    pid_t owner_ = 0;
    bool running_ = false;               // inside run(), on owner_
    std::vector<FdState> fds_;           // indexed by fd
    std::vector<int> arm_;               // fds whose poll is armed at the next wait
    std::vector<std::uint64_t> cancel_;  // user_data of requests to cancel at the next wait
    std::vector<int> unfix_;             // fixed-file slots to empty at the next wait
    unsigned fixed_slots_ = 0;           // fds below this may take a fixed-file slot
    __kernel_timespec wake_ts_{};        // the wake request's time (the kernel reads it here)
    WakeDeadline wake_;                  // when the wake request in the kernel fires
    bool wake_refused_ = false;          // the kernel refused it: each wait has its timeout
    bool files_tried_ = false;           // this ring's table was asked for
    std::vector<Retry> retry_;
    UringAccepts accepts_;
    std::unique_ptr<UringBuffers> buffers_;  // made by the first receive_ahead
    std::vector<int> held_;                  // fds with bytes (or an end) received ahead
    UringSends sends_;
    unsigned receives_ = 0;  // receive completions this pass (refill's hint)
    Clock::time_point last_trim_{};
    bool receive_refused_ = false;  // no DEFER_TASKRUN, or the kernel refused buffer rings or
                                    // multishot receives: recv(2) as on epoll
    bool multishot_accept_ = true;  // off: WIRE_URING_ACCEPT=poll, or the kernel refused it
    bool send_refused_ = false;     // no DEFER_TASKRUN, WIRE_URING_SEND=syscall, or the kernel
                                    // refused a send: send(2) for every send
};

// For tests: make every io_uring set-up from now on fail with `err` (0: no longer).
void fail_uring_setup_for_tests(int err) noexcept;
// For tests: from now on the updates that put a socket in its fixed-file slot fail (false: no
// longer), as they might were the kernel short of memory.
void spoil_file_updates_for_tests(bool spoil) noexcept;
// For tests: loops that receive ahead from now on get `count` buffers (0: as many as they
// normally do), so that tests can run them dry.
void use_receive_buffers_for_tests(unsigned count) noexcept;
// For tests: loops made from now on keep polls for listening sockets, as on a kernel without
// multishot accept (false: as the environment says).
void refuse_multishot_accept_for_tests(bool refuse) noexcept;

}  // namespace wire::net::detail
