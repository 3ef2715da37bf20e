#include "compress/checksum.hpp"

#include "compress/detail/crc32.hpp"

namespace wire::compress {
namespace {

using RegisterFunction = std::uint32_t (*)(std::uint32_t, const std::uint8_t*,
                                           std::size_t) noexcept;

// The CPU is asked once, on first use (a function-local static is initialised thread-safely).
std::uint32_t crc32_register(std::uint32_t reg, const std::uint8_t* p, std::size_t n) noexcept {
    static const RegisterFunction function =
        detail::has_pclmul() ? detail::crc32_register_pclmul : detail::crc32_register_tables;
    return function(reg, p, n);
}

// RFC 1950 §8.2: s1 and s2 are sums modulo 65521, the largest prime below 2^16.
constexpr std::uint32_t adler_base = 65521;
// The most bytes that can be summed before s2 could overflow 32 bits, starting from values
// below the base: 255 n (n + 1) / 2 + (n + 1)(base - 1) < 2^32 holds up to n = 5552. So the
// costly modulo runs once per 5552 bytes instead of once per byte.
constexpr std::size_t adler_block = 5552;

}  // namespace

std::uint32_t crc32(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
    // RFC 1952 §8: the register starts at all ones and the result is its complement; a
    // previous result continues the CRC by undoing that complement.
    return ~crc32_register(~crc, data.data(), data.size());
}

std::uint32_t crc32(std::uint32_t crc, std::string_view data) noexcept {
    return crc32(crc, {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

std::uint32_t adler32(std::uint32_t adler, std::span<const std::uint8_t> data) noexcept {
    // RFC 1950 §8.2: s1 = 1 + the sum of the bytes, s2 = the sum of the successive s1 values;
    // the checksum is s2 * 65536 + s1. Both start from the previous value.
    std::uint32_t s1 = adler & 0xffff, s2 = adler >> 16;
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    while (n > 0) {
        std::size_t block = n < adler_block ? n : adler_block;
        n -= block;
        for (; block >= 8; block -= 8, p += 8) {
            s1 += p[0], s2 += s1;
            s1 += p[1], s2 += s1;
            s1 += p[2], s2 += s1;
            s1 += p[3], s2 += s1;
            s1 += p[4], s2 += s1;
            s1 += p[5], s2 += s1;
            s1 += p[6], s2 += s1;
            s1 += p[7], s2 += s1;
        }
        for (; block > 0; --block, ++p)
            s1 += *p, s2 += s1;
        s1 %= adler_base;
        s2 %= adler_base;
    }
    return (s2 << 16) | s1;
}

std::uint32_t adler32(std::uint32_t adler, std::string_view data) noexcept {
    return adler32(adler, {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

}  // namespace wire::compress
