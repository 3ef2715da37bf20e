// Conn: a connected stream socket with blocking read/write and Go's deadline semantics.
//
// This is what a thread-per-connection program, the blocking WebSocket Conn and Hijacker users
// hold. The semantics follow Go's net.Conn:
//  - Deadlines are absolute points in time (steady clock). Conn::no_deadline (the zero time)
//    means none. An expired deadline fails the call in progress and every later call with
//    Error::timeout (is_timeout() is true) until a new deadline is set; it does not close the Conn.
//  - Setting a deadline from another thread takes effect for a call already blocked: this is how a
//    program cancels a blocking read (set_read_deadline(Clock::now())).
//  - One reader and one writer may run concurrently (two threads); two concurrent readers may not.
//  - close() from any thread makes blocked and later calls fail with Error::closed. The descriptor
//    itself is released by the destructor, so a concurrent call never touches a reused number.
//
// How: the socket is non-blocking; a call that would block waits in ppoll(2) on the socket and on
// an eventfd that deadline setters signal. After a short read the next read waits first (see
// read() in conn.cpp), so an echo costs ppoll + read + write instead of an extra failed read. Each
// direction has its own eventfd, created the first time that direction blocks, so a Conn costs 1
// descriptor until it blocks, 2 or 3 after.
//
// On a fiber (net/fiber.hpp) a call that would block parks the fiber instead: the socket is
// registered with the fiber's loop (once, kept until the Conn is destroyed or released) and the
// loop resumes the fiber on readiness, on the deadline (a loop Timer), or when another thread
// moves a deadline or closes the Conn. No eventfd is needed there. The two modes mix: a fiber may
// read while a plain thread writes (gorilla's one reader, one writer). The fibers that wait on
// one Conn must belong to one loop. Destroying or releasing such a Conn off the loop's thread
// is allowed: the loop then removes and closes the descriptor in its next turn (release() hands
// back a duplicate). A Conn that outlives its loop just closes its descriptor.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>

#include "net/address.hpp"
#include "net/result.hpp"
#include "net/socket.hpp"

namespace wire::net {

enum class Interest : std::uint8_t;
namespace detail {
class PollDesc;
}

class Conn {
  public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    static constexpr TimePoint no_deadline{};

    Conn() = default;
    explicit Conn(Socket socket);  // takes ownership and makes the socket non-blocking
    // Moving is for setup and hand-over only: never while another thread uses either Conn.
    Conn(Conn&& other) noexcept;
    Conn& operator=(Conn&& other) noexcept;
    ~Conn();

    // Blocks until at least one byte arrives; returns 0 at end of stream (the peer's FIN), and
    // for an empty buffer.
    Result<std::size_t> read(void* data, std::size_t size);
    // Blocks until every byte is written; returns `size`. On error some bytes may have been sent.
    Result<std::size_t> write(const void* data, std::size_t size);
    Result<std::size_t> write(std::string_view text) { return write(text.data(), text.size()); }
    // Writes every byte of every buffer (sendmsg, so head and body leave in one syscall).
    Result<std::size_t> writev(std::span<const iovec> buffers);

    void set_deadline(TimePoint t);  // both directions
    void set_read_deadline(TimePoint t);
    void set_write_deadline(TimePoint t);

    std::error_code close() noexcept;           // see above; idempotent
    std::error_code shutdown_write() noexcept;  // FIN to the peer; reading goes on
    bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }

    Result<Address> local_address() const { return socket_.local_address(); }
    Result<Address> remote_address() const { return socket_.peer_address(); }
    // For options (set_no_delay, set_linger_zero...); reading or writing it directly bypasses
    // the deadlines.
    Socket& socket() noexcept { return socket_; }
    const Socket& socket() const noexcept { return socket_; }
    // Hands the socket back (still non-blocking) and leaves this Conn empty.
    Socket release() noexcept;

  private:
    // One per direction: its deadline (nanoseconds on the steady clock, 0 = none) and the eventfd
    // that wakes a call blocked in that direction.
    struct Waiter {
        std::atomic<std::int64_t> deadline{0};
        int wake_fd = -1;
        bool drained = false;  // the last read came up short: wait before the next (read only)
    };

    std::error_code check(const Waiter& w) const noexcept;
    std::error_code wait(Waiter& w, short events);
    std::error_code park(Waiter& w, Interest direction);
    detail::PollDesc* poll_desc();
    void detach_poll();
    int wake_fd(Waiter& w);
    void set(Waiter& w, TimePoint t);
    void close_wake_fds() noexcept;
    Result<std::size_t> write_some(const iovec* iov, std::size_t count);

    Socket socket_;
    std::atomic<bool> closed_{false};
    Waiter read_;
    Waiter write_;
    std::mutex wake_mu_;  // guards creating and signalling the wake fds, and creating poll_
    std::shared_ptr<detail::PollDesc> poll_;  // set by the first wait on a fiber
};

}  // namespace wire::net
