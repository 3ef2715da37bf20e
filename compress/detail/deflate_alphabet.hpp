// The facts of the DEFLATE format (RFC 1951) that both directions share: the longest match, the
// farthest distance, the longest code, and the base/extra columns that turn a length or a
// distance into a symbol plus extra bits. The inflater and the deflater build on this one copy.
#pragma once

#include <array>
#include <cstdint>

namespace wire::compress::detail {

// §3.2.5: the longest match and the farthest distance.
inline constexpr unsigned max_match = 258;
inline constexpr unsigned max_distance = 32768;

// §3.2.7: Huffman codes are at most 15 bits long.
inline constexpr unsigned max_code_bits = 15;

// §3.2.5: length symbol 257 + i stands for lengths length_base[i] .. + 2^length_extra[i] - 1.
inline constexpr std::array<std::uint16_t, 29> length_base = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
inline constexpr std::array<std::uint8_t, 29> length_extra = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

// §3.2.5: distance symbol i stands for distances distance_base[i] .. + 2^distance_extra[i] - 1.
inline constexpr std::array<std::uint16_t, 30> distance_base = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
inline constexpr std::array<std::uint8_t, 30> distance_extra = {
    0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

}  // namespace wire::compress::detail
