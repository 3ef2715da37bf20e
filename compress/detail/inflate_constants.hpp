// The fixed facts of the DEFLATE format (RFC 1951) that the inflater decodes with, each beside
// the section that defines it, and the sizes of the inflater's decoding tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "compress/detail/deflate_alphabet.hpp"

namespace wire::compress::detail {

// §3.2.7: the code-length code's codes are at most 7 bits long.
inline constexpr unsigned max_code_length_bits = 7;

// §3.2.5: literal/length symbols 0..285 (286 and 287 never occur in data), distance symbols
// 0..29 (30 and 31 never occur); §3.2.7: 19 code-length symbols. The fixed code of §3.2.6
// still gives 286, 287, 30 and 31 codes, so the arrays have room for them.
inline constexpr std::size_t literal_length_symbols = 288;
inline constexpr std::size_t distance_symbols = 32;
inline constexpr std::size_t code_length_symbols = 19;
inline constexpr unsigned end_of_block_symbol = 256;
// §3.2.7: HLIT + 257 and HDIST + 1 count the lengths sent; more than 286 and 30 is an error.
inline constexpr unsigned max_literal_length_codes = 286;
inline constexpr unsigned max_distance_codes = 30;

// §3.2.7: the order in which the code-length code's lengths are sent (the likely ones first,
// so HCLEN can cut the unlikely ones off the end).
inline constexpr std::array<std::uint8_t, 19> code_length_order = {
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// §3.2.6: the fixed code's lengths: literals 0..143 have 8 bits, 144..255 nine, 256..279
// seven, 280..287 eight; the 32 distance codes have 5 bits each.
constexpr std::array<std::uint8_t, literal_length_symbols> fixed_literal_length_lengths() {
    std::array<std::uint8_t, literal_length_symbols> lengths{};
    for (std::size_t s = 0; s < lengths.size(); ++s)
        lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    return lengths;
}

// The lookup tables' first-level sizes, as bits of input looked at once. A code longer than
// that continues in a second-level table. Larger roots decode more codes in one step and cost
// more to fill for every dynamic block: 2^10 entries cover the literal/length codes of text
// and binaries (mostly 5 to 10 bits); 2^8 the distance codes. (A 2^9 root saves 1.9 KiB per
// Inflater and was about 10% slower on an ELF binary, no faster on a 1 KiB message.)
inline constexpr unsigned literal_length_root_bits = 10;
inline constexpr unsigned distance_root_bits = 8;
inline constexpr unsigned code_length_root_bits = max_code_length_bits;  // one level

// The most entries a table with those roots can need, first level plus second levels, over
// every complete code of up to 286 (30) symbols no longer than 15 bits: found by exhaustive
// search (tools/huffman_table_bound.py, which also reproduces zlib's figures for its roots).
// Incomplete codes and the fixed code need fewer.
inline constexpr std::size_t literal_length_table_size = 1332;  // 286 symbols, root 10
inline constexpr std::size_t distance_table_size = 400;         // 30 symbols, root 8
inline constexpr std::size_t code_length_table_size = std::size_t{1} << code_length_root_bits;

}  // namespace wire::compress::detail
