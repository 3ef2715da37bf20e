// Plain checksums (a byte-wise CRC table and Adler-32 with deferred modulo).
#include "compress/checksum.hpp"

#include <algorithm>
#include <array>

namespace wire::compress {
namespace {

constexpr std::array<std::uint32_t, 256> crc_table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}();

}  // namespace

std::uint32_t crc32(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept {
    crc = ~crc;
    for (std::uint8_t b : data)
        crc = crc_table[(crc ^ b) & 0xff] ^ (crc >> 8);
    return ~crc;
}

std::uint32_t crc32(std::uint32_t crc, std::string_view data) noexcept {
    return crc32(crc, {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

std::uint32_t adler32(std::uint32_t adler, std::span<const std::uint8_t> data) noexcept {
    constexpr std::uint32_t mod = 65521;
    std::uint32_t a = adler & 0xffff, b = adler >> 16;
    std::size_t i = 0;
    while (i < data.size()) {
        // 5552 bytes is the most that cannot overflow 32 bits before the modulo (RFC 1950 §9).
        const std::size_t n = std::min<std::size_t>(5552, data.size() - i);
        for (std::size_t k = 0; k < n; ++k) {
            a += data[i + k];
            b += a;
        }
        a %= mod;
        b %= mod;
        i += n;
    }
    return (b << 16) | a;
}

std::uint32_t adler32(std::uint32_t adler, std::string_view data) noexcept {
    return adler32(adler, {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

}  // namespace wire::compress
