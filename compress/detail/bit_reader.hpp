// Reading DEFLATE's bits (RFC 1951 §3.1.1): bytes are filled into a 64-bit buffer from the low
// end, so the stream's next bit is always bit 0. Fields other than Huffman codes are sent least
// significant bit first, so a field of n bits is simply the low n bits of the buffer.
//
// The careful path takes one byte at a time and only when it needs another bit, so a step that
// runs out of input keeps every byte it took: bytes move from the input into `bits` and count
// as consumed; the step starts again from them when more input comes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wire::compress::detail {

// Eight bytes as a little-endian number: the first byte in the low bits. One load on
// little-endian machines (compilers do not always merge the byte-by-byte spelling).
inline std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

// The caller's input: consumed up to `next`.
struct Input {
    const std::uint8_t* next;
    const std::uint8_t* end;
    std::size_t available() const noexcept { return static_cast<std::size_t>(end - next); }
};

// The caller's output: this step writes at `next`, up to `end` (the space, or the output limit
// if that comes first); `start` is where this step's output began.
struct Output {
    std::uint8_t* start;
    std::uint8_t* next;
    std::uint8_t* end;
    std::size_t written() const noexcept { return static_cast<std::size_t>(next - start); }
    std::size_t space() const noexcept { return static_cast<std::size_t>(end - next); }
};

struct BitBuffer {
    std::uint64_t bits = 0;  // the next `count` bits of input, first in bit 0; zero above them
    unsigned count = 0;

    // Makes at least n bits (n <= 57) available, taking whole bytes from `in`. False when the
    // input ends first; the bytes taken stay buffered.
    bool fill(Input& in, unsigned n) noexcept {
        while (count < n) {
            if (in.next == in.end) return false;
            bits |= std::uint64_t{*in.next++} << count;
            count += 8;
        }
        return true;
    }
    // With at least 8 bytes of input: takes as many whole bytes as fit (leaving 56 to 63 bits)
    // with one load. Otherwise nothing.
    void refill8(Input& in) noexcept {
        if (in.available() < 8) return;
        const unsigned take = (63 - count) >> 3;
        bits |= load_le64(in.next) << count;
        in.next += take;
        count += 8 * take;
        bits &= (std::uint64_t{1} << count) - 1;  // zero above them again
    }
    // n bits starting `offset` bits in, without removing them.
    std::uint32_t peek(unsigned offset, unsigned n) const noexcept {
        return static_cast<std::uint32_t>((bits >> offset) & ((std::uint64_t{1} << n) - 1));
    }
    void drop(unsigned n) noexcept {
        bits >>= n;
        count -= n;
    }
    // §3.2.4: a stored block's LEN starts at the next byte boundary; so do the zlib and gzip
    // trailers after the final block.
    void drop_to_byte() noexcept { drop(count & 7); }
    // After drop_to_byte(): the next whole byte, from the buffer first, then from `in`.
    bool take_byte(Input& in, std::uint8_t& byte) noexcept {
        if (!fill(in, 8)) return false;
        byte = static_cast<std::uint8_t>(bits);
        drop(8);
        return true;
    }
};

}  // namespace wire::compress::detail
