// BitWriter: DEFLATE's bit order (RFC 1951 §3.1.1), with a 64-bit accumulator.
//
// Data elements are packed starting with the least significant bit of each byte; Huffman codes
// are sent most significant bit first, so callers pass codes already bit-reversed (see
// huffman_encoder.hpp) and every field is then simply appended above the bits already held.
//
// put() only ORs bits into the accumulator; flush() stores all 8 bytes of it at once and
// advances by the whole bytes it held, so the destination needs 8 bytes of slack past the
// last byte that will be written. After flush() fewer than 8 bits remain, so up to 56 bits
// may be put before the next flush() (a length + distance pair needs at most 48).
#pragma once

#include <cstdint>
#include <cstring>

namespace wire::compress::detail {

class BitWriter {
  public:
    BitWriter(std::uint8_t* out, std::uint64_t bits, unsigned count) noexcept
        : out_(out), bits_(bits), count_(count) {}

    // Appends the low `n` bits of `value` (value must have no bits above them).
    void put(std::uint64_t value, unsigned n) noexcept {
        bits_ |= value << count_;
        count_ += n;
    }

    // Writes the whole bytes held; keeps the last 0..7 bits.
    void flush() noexcept {
        std::memcpy(out_, &bits_, 8);  // little-endian store: x86-64 and ARM64 alike
        const unsigned bytes = count_ >> 3;
        out_ += bytes;
        bits_ = bytes == 8 ? 0 : bits_ >> (bytes * 8);
        count_ &= 7;
    }

    // RFC 1951 §3.2.4: a stored block's data starts on a byte boundary; the padding is zeros.
    void align_to_byte() noexcept {
        flush();
        if (count_ != 0) {
            ++out_;  // flush() already stored this partial byte, zero-padded
            bits_ = 0;
            count_ = 0;
        }
    }

    // Whole bytes, after align_to_byte().
    void write_bytes(const std::uint8_t* data, std::size_t n) noexcept {
        if (n != 0) std::memcpy(out_, data, n);
        out_ += n;
    }

    std::uint8_t* position() const noexcept { return out_; }
    std::uint64_t pending_bits() const noexcept { return bits_; }
    unsigned pending_count() const noexcept { return count_; }

  private:
    std::uint8_t* out_;
    std::uint64_t bits_;
    unsigned count_;
};

}  // namespace wire::compress::detail
