// CRC-32 by table, eight bytes per step (slicing-by-8). See crc32.hpp for the arithmetic.
#include "compress/detail/crc32.hpp"

#include "compress/detail/bit_reader.hpp"  // load_le64

namespace wire::compress::detail {

std::uint32_t crc32_register_tables(std::uint32_t reg, const std::uint8_t* p,
                                    std::size_t n) noexcept {
    const auto& t = crc32_tables;
    for (; n >= 8; n -= 8, p += 8) {
        // The register meets the first four bytes; all eight bytes are then looked up at once,
        // each in the table that also shifts it past the bytes that follow it.
        const std::uint64_t v = load_le64(p) ^ reg;
        reg = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^
              t[4][(v >> 24) & 0xff] ^ t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^
              t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    }
    for (; n > 0; --n, ++p)
        reg = crc32_register_byte(reg, *p);
    return reg;
}

}  // namespace wire::compress::detail
