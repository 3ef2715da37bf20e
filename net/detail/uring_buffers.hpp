// UringBuffers: the receive buffers an io_uring loop lends the kernel (a provided-buffer ring,
// IORING_REGISTER_PBUF_RING, io_uring_register(2), Linux 5.19).
//
// A multishot receive (net/detail/uring_poller.hpp) names no buffer of its own: when bytes
// arrive, the kernel takes the next buffer from this ring, receives into it and names it in the
// completion (IORING_CQE_F_BUFFER, the id in the upper 16 bits of `flags`). So the buffers are
// shared by all the loop's connections and memory follows the bytes in flight: an idle
// connection holds none. The bytes wait in their buffer, chained per socket (next()), until the
// socket's owner reads them; the buffer then comes back (put()).
//
// The kernel takes buffers in the ring's order, so a ring kept full would pass every read through
// all of the buffers in turn: a cold cache line per small message. An epoll loop reads into the
// same warm buffer each time. So the ring holds only about as many buffers as one pass of the
// loop uses (refill()), and the free ones wait on a stack, the one given back last lent first.
//
// Threading: the loop's, like the poller's.
#pragma once

#include <linux/io_uring.h>

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <vector>

namespace wire::net::detail {

class UringRing;

class UringBuffers {
  public:
    static constexpr std::uint16_t none = 0xffff;  // "no buffer" in a chain
    static constexpr std::uint16_t group = 0;      // the buffer group receives draw from

    // `count` buffers of `size` bytes (virtual memory: pages are touched only when used), lent
    // through a ring of `slots` entries (a power of two): at most that many lent at once.
    UringBuffers(unsigned count, std::size_t size, unsigned slots);
    ~UringBuffers();
    UringBuffers(const UringBuffers&) = delete;
    UringBuffers& operator=(const UringBuffers&) = delete;

    // Lends the buffers to `ring`, a new one after the last ring was closed (the buffers the
    // old one held are free again). An error: the kernel has no buffer rings (before 5.19).
    std::error_code attach(UringRing& ring);
    void detach() noexcept;  // the ring was closed
    bool attached() const noexcept { return attached_; }

    std::uint8_t* data(std::uint16_t id) const noexcept { return base_ + id * size_; }
    std::size_t size() const noexcept { return size_; }

    // A completion carried buffer `id` with `length` bytes: the loop's until put() back.
    void took(std::uint16_t id, std::uint32_t length) noexcept;
    void put(std::uint16_t id);

    // The bytes of a buffer taken and not yet read: [offset, offset + length), and the next
    // buffer of the same socket (none: the last).
    struct Held {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        std::uint16_t next = none;
    };
    Held& held(std::uint16_t id) noexcept { return held_[id]; }

    // Before each pass's submission, with the number of receive completions the last pass had:
    // tops the ring up to about twice that (slowly lower after a burst), most recent first.
    void refill(unsigned receives);
    // Buffers neither lent nor holding bytes.
    std::size_t free_count() const noexcept { return free_.size(); }

    // Memory: a buffer gets pages when bytes first land in it and keeps them, so a burst that
    // had many buffers in use at once (hundreds of requests arriving together) would leave the
    // loop that much larger for good. trim() gives the pages of the free buffers back to the
    // kernel (madvise MADV_DONTNEED), all but the `keep` warmest, and then, if more than `keep`
    // still have pages, those of lent buffers: after a burst the ring stays as full as the
    // burst left it until the next passes lower it.
    // Only between passes, with no completion waiting: the kernel fills a buffer only inside
    // the loop's io_uring_enter (DEFER_TASKRUN, which the buffers need), and each one it filled
    // has then been taken, so a lent buffer holds no bytes; a receive into one whose pages went
    // back faults in fresh ones.
    std::size_t touched() const noexcept { return touched_count_; }
    void trim(std::size_t keep) noexcept;

  private:
    void lend(std::uint16_t id) noexcept;
    void give_back_pages(std::uint16_t id) noexcept;  // madvise, if it has any

    io_uring_buf_ring* ring_ = nullptr;
    std::uint8_t* base_ = nullptr;
    unsigned count_;
    std::size_t size_;
    unsigned slots_;
    std::uint16_t tail_ = 0;  // the ring's next slot (the kernel's head is its own)
    unsigned lent_ = 0;       // buffers in the ring
    unsigned target_ = 0;
    bool attached_ = false;
    std::vector<std::uint16_t> free_;  // a stack: the warmest on top
    std::vector<Held> held_;           // by buffer id
    std::vector<bool> in_ring_;        // by buffer id: lent and not taken back yet
    std::vector<bool> touched_;        // by buffer id: has pages (bytes landed since a trim)
    std::size_t touched_count_ = 0;
};

}  // namespace wire::net::detail
