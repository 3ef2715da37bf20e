// The alphabets of DEFLATE (RFC 1951 §3.2.5): how a match length (3..258) and a distance
// (1..32768) become a Huffman symbol plus a few extra bits, and the fixed code of §3.2.6.
// The lookup tables are computed at compile time from the RFC's base/extra columns.
#pragma once

#include <array>
#include <cstdint>

#include "compress/detail/deflate_alphabet.hpp"

namespace wire::compress::detail {

inline constexpr unsigned min_match = 3;              // RFC 1951 §3.2.5: lengths 3..258
inline constexpr unsigned end_of_block = 256;         // RFC 1951 §3.2.5: literal/length 256
inline constexpr unsigned num_lit_len_symbols = 286;  // 0..255 literals, 256 EOB, 257..285 lengths
inline constexpr unsigned num_distance_symbols = 30;
inline constexpr unsigned num_code_length_symbols = 19;   // RFC 1951 §3.2.7
inline constexpr unsigned max_code_length_code_bits = 7;  // RFC 1951 §3.2.7: 3-bit fields

// length - 3 (0..255) -> length symbol index 0..28 (add 257 for the literal/length symbol).
inline constexpr std::array<std::uint8_t, 256> length_symbol_of = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned code = 0; code < 29; ++code) {
        // Symbol 284's five extra bits could reach 258, but 258 has its own symbol, 285.
        const unsigned last = code == 28 ? 255u : length_base[code + 1] - 4u;
        for (unsigned lc = length_base[code] - 3u; lc <= last; ++lc)
            t[lc] = static_cast<std::uint8_t>(code);
    }
    return t;
}();

// distance - 1 (0..32767) -> distance symbol, via two 256-entry tables: the first for
// distances up to 256, the second indexed by (distance - 1) >> 7 for the rest (every symbol
// from 16 on spans a multiple of 128 distances, so the shift loses nothing).
inline constexpr std::array<std::uint8_t, 512> distance_symbol_table = [] {
    std::array<std::uint8_t, 512> t{};
    for (unsigned code = 0; code < 30; ++code) {
        const unsigned first = distance_base[code] - 1u;
        const unsigned last = first + (1u << distance_extra[code]) - 1u;
        for (unsigned d = first; d <= last; ++d) {
            if (d < 256)
                t[d] = static_cast<std::uint8_t>(code);
            else
                t[256 + (d >> 7)] = static_cast<std::uint8_t>(code);
        }
    }
    return t;
}();

inline unsigned distance_symbol_of(unsigned distance) noexcept {
    const unsigned d = distance - 1;
    const unsigned index = d < 256 ? d : 256 + (d >> 7);  // a select, then one load
    return distance_symbol_table[index];
}

// RFC 1951 §3.2.6: the fixed Huffman code's lengths.
inline constexpr unsigned fixed_lit_len_bits(unsigned symbol) noexcept {
    return symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8;
}
inline constexpr unsigned fixed_distance_bits = 5;

}  // namespace wire::compress::detail
