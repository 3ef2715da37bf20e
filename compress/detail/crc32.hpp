// CRC-32 internals, shared by compress/checksum.cpp, the inflater and the tests.
//
// The CRC of RFC 1952 §8 is the remainder of the message, times x^32, divided by the generator
// polynomial P(x) = x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 + x^5 +
// x^4 + x^2 + x + 1, computed on bits in the order they are sent: least significant bit of each
// byte first. Storing the polynomial "reflected" (bit i holds the coefficient of x^(31-i)) turns
// that order into plain right shifts, which is why the constant is 0xEDB88320 rather than the
// 0x04C11DB7 of the textbooks. The register starts at all ones and is inverted at the end
// (RFC 1952 §8's "one's complement"), so leading zero bytes still change the result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace wire::compress::detail {

inline constexpr std::uint32_t crc32_polynomial = 0xedb88320;  // P(x) reflected, without x^32

// Slicing-by-8 tables: tables[0][b] is the register after shifting byte b through an empty
// register, the classic byte-at-a-time table; tables[k][b] is the same followed by k zero bytes,
// so eight bytes can be folded with eight independent lookups instead of eight dependent ones.
using Crc32Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Crc32Tables make_crc32_tables() noexcept {
    Crc32Tables t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t r = b;
        for (int bit = 0; bit < 8; ++bit)  // divide by P one bit at a time
            r = (r & 1) ? (r >> 1) ^ crc32_polynomial : r >> 1;
        t[0][b] = r;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t b = 0; b < 256; ++b)
            t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    return t;
}

inline constexpr Crc32Tables crc32_tables = make_crc32_tables();

// One byte through the register (no pre- or post-inversion): for short runs such as headers.
inline std::uint32_t crc32_register_byte(std::uint32_t reg, std::uint8_t b) noexcept {
    return crc32_tables[0][(reg ^ b) & 0xff] ^ (reg >> 8);
}

// The register after `n` bytes at `p`, by table (no pre- or post-inversion). Runs everywhere.
std::uint32_t crc32_register_tables(std::uint32_t reg, const std::uint8_t* p,
                                    std::size_t n) noexcept;

// The same by carry-less multiplication (PCLMULQDQ). Call only when has_pclmul() says yes;
// elsewhere (and on other CPUs) it is the table version.
std::uint32_t crc32_register_pclmul(std::uint32_t reg, const std::uint8_t* p,
                                    std::size_t n) noexcept;

// True when the CPU reports PCLMULQDQ (CPUID leaf 1, ECX bit 1).
bool has_pclmul() noexcept;

}  // namespace wire::compress::detail
