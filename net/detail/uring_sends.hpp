// UringSends: the bytes an io_uring loop sends for its sockets at the end of a pass
// (EventLoop::send; net/detail/uring_poller.hpp says how they reach the kernel).
//
// A handler's send is copied here instead of going to the kernel at once: the bytes of every
// socket that sent in a pass go in one submission, inside the io_uring_enter the loop makes
// anyway, so a response costs no system call of its own. The copy is the one send(2) would
// make into the socket's buffer, made one step earlier; sends at least `direct_min` long skip
// it and go straight to send(2), where the call is cheap beside the copy.
//
// Two kinds of bytes:
//  - queued: sent in this pass, one contiguous segment per socket (a socket that sends twice
//    while another sent in between is gathered before the submission: one send each, since
//    two sends of one socket could complete short and then whole, out of order). The arena is
//    one mapping of virtual memory, made at the first send and emptied after each submission:
//    no allocation per send, and pages only where bytes were written. A loop about to sleep
//    gives back all but the first `warm_bytes` of those pages (trim(), at most once a second),
//    so that a burst of sends does not leave it larger for good.
//    Bounded: a pass queues at most `arena_max` bytes, and a socket's bytes in one run of sends
//    at most about `direct_min` (past that the poller sends them at once), so what the kernel
//    may refuse, and the loop then hold, stays within what the owner's own limits allow for.
//  - unsent: what the kernel did not take (its send buffer was full), kept per socket until it
//    is writable again, with the socket's send error or a shutdown due once the bytes are gone.
//    Rare: a map, allocated only then.
//
// Threading: the loop's, like the poller's.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace wire::net::detail {

class UringSends {
  public:
    // A send at least this long goes to the kernel at once (send(2)), not through the arena.
    static constexpr std::size_t direct_min = 16 * 1024;
    // A pass queues at most this many bytes; past that, sends go straight to the kernel.
    static constexpr std::size_t arena_max = 4 * 1024 * 1024;
    static constexpr std::size_t warm_bytes = 4096;

    UringSends() = default;
    ~UringSends();
    UringSends(const UringSends&) = delete;
    UringSends& operator=(const UringSends&) = delete;

    struct Segment {
        int fd;
        std::uint32_t offset;
        std::uint32_t length;  // 0: settled earlier in the pass (sent, or moved elsewhere)
    };
    struct Unsent {
        std::string bytes;          // refused by the kernel, in order
        int error = 0;              // the socket's send error: every later send fails with it
        bool shutdown_due = false;  // shutdown(SHUT_WR) once `bytes` are gone
    };

    // Room for `size` more bytes in this pass's arena (false, too, if it could not be mapped).
    bool has_room(std::size_t size) noexcept {
        return size_ + size <= arena_max && (bytes_ != nullptr || map());
    }
    // Copies the buffers into the arena for `fd`: appended to its segment when that is the
    // last one, otherwise a new segment (`queued_before`: the fd already has one this pass,
    // gathered by gather()).
    // Call only after has_room(size of `buffers`).
    void queue(int fd, std::span<const iovec> buffers, bool queued_before);
    // Whether `fd`'s bytes of this pass, in the arena's last segment, exceed `limit`. (Bytes
    // split by other sockets' are not counted: the arena's own bound holds them.)
    bool queued_beyond(int fd, std::size_t limit) const noexcept {
        return !segments_.empty() && segments_.back().fd == fd && segments_.back().length > limit;
    }
    // One segment per fd (the segments of an fd that sent more than once are joined).
    void gather();
    std::span<Segment> segments() noexcept { return segments_; }
    const std::uint8_t* data(const Segment& s) const noexcept { return bytes_ + s.offset; }
    // The bytes `fd` queued in this pass (at most one segment after gather(); several before),
    // removed from the pass: `f(data, size)` is called for each in order.
    template <class F>
    void take_queued(int fd, F&& f) {
        for (Segment& s : segments_) {
            if (s.fd != fd || s.length == 0) continue;
            f(bytes_ + s.offset, std::size_t{s.length});
            s.length = 0;
        }
    }
    // After the submission: every queued send has completed.
    void clear() noexcept {
        segments_.clear();
        size_ = 0;
        gather_ = false;
    }
    // Pages written since the last trim beyond `warm_bytes`; trim() gives them back (with the
    // arena empty: after clear()).
    bool trimmable() const noexcept { return high_ > warm_bytes; }
    void trim() noexcept;
    bool empty() const noexcept { return segments_.empty(); }

    Unsent& unsent(int fd) { return unsent_[fd]; }
    Unsent* find_unsent(int fd) noexcept {
        const auto it = unsent_.find(fd);
        return it == unsent_.end() ? nullptr : &it->second;
    }
    const Unsent* find_unsent(int fd) const noexcept {
        const auto it = unsent_.find(fd);
        return it == unsent_.end() ? nullptr : &it->second;
    }
    void forget(int fd) noexcept { unsent_.erase(fd); }

  private:
    // Twice arena_max: gather() copies at most a pass's bytes again behind them.
    static constexpr std::size_t mapping_size = 2 * arena_max;
    bool map() noexcept;
    // `size` more bytes at the arena's end (not initialised).
    std::uint8_t* extend(std::size_t size) noexcept;

    std::uint8_t* bytes_ = nullptr;  // mapping_size bytes of virtual memory
    std::size_t size_ = 0;
    std::size_t high_ = 0;  // the most bytes in use since the last trim
    std::vector<Segment> segments_;
    std::vector<Segment> merged_;  // gather()'s, kept for its capacity
    bool gather_ = false;          // some fd has more than one segment
    std::unordered_map<int, Unsent> unsent_;
};

}  // namespace wire::net::detail
