// The history a back-reference may reach (RFC 1951 §3.2.5: "distances of up to 32K bytes").
//
// The inflater writes straight into the caller's output, so within one inflate() call a
// back-reference copies from bytes written earlier in the same call. Older bytes live here:
// a circular buffer of the last 2^window_bits bytes of output, appended to at the end of each
// call. A stream inflated in one call never needs it, and it is allocated only when first used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "compress/detail/bit_reader.hpp"

namespace wire::compress::detail {

class History {
  public:
    // 2^window_bits bytes of history: also the farthest distance accepted.
    void set_window_bits(int window_bits) noexcept;
    std::uint32_t max_distance() const noexcept { return size_; }
    std::uint32_t have() const noexcept { return have_; }

    void clear() noexcept { have_ = next_ = 0; }
    // Keeps the last max_distance() bytes of what was, plus `n` bytes at `p`.
    void append(const std::uint8_t* p, std::size_t n) noexcept;

    std::size_t memory_in_use() const noexcept { return data_ ? size_ : 0; }
    void release_memory() noexcept;

    // Copies `n` bytes starting `back` bytes before the end of the history to `dst`
    // (n <= back <= have()).
    void copy_out(std::uint8_t* dst, std::uint32_t back, std::uint32_t n) const noexcept;

  private:
    std::unique_ptr<std::uint8_t[]> data_;
    std::uint32_t size_ = 0;  // 2^window_bits
    std::uint32_t have_ = 0;  // valid bytes, up to size_
    std::uint32_t next_ = 0;  // where the next byte goes
};

// Copies the back-reference (distance, length) of §3.2.5 to `out`, as much of it as fits:
// from the history first when it reaches back before this call's output, then from the output
// itself, byte after byte, so a distance shorter than the length repeats the bytes it copies.
// The distance must be valid: <= history.max_distance() and <= out.written() + history.have().
// Returns the bytes copied.
std::uint32_t copy_match(Output& out, const History& history, std::uint32_t distance,
                         std::uint32_t length) noexcept;

}  // namespace wire::compress::detail
