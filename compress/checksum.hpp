// The two checksums of the DEFLATE wrappers, streaming: pass the previous value to continue.
//   crc32:   the IEEE 802.3 CRC of gzip (RFC 1952 §8), reflected polynomial 0xEDB88320.
//   adler32: zlib's Adler-32 (RFC 1950 §8.2).
// The CRC uses carry-less multiplication (PCLMULQDQ) when the CPU has it, else a table; the
// choice is made once at run time, as SHA-1 chooses SHA-NI.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace wire::compress {

inline constexpr std::uint32_t crc32_initial = 0;
inline constexpr std::uint32_t adler32_initial = 1;

[[nodiscard]] std::uint32_t crc32(std::uint32_t crc, std::span<const std::uint8_t> data) noexcept;
[[nodiscard]] std::uint32_t crc32(std::uint32_t crc, std::string_view data) noexcept;
[[nodiscard]] std::uint32_t adler32(std::uint32_t adler,
                                    std::span<const std::uint8_t> data) noexcept;
[[nodiscard]] std::uint32_t adler32(std::uint32_t adler, std::string_view data) noexcept;

}  // namespace wire::compress
