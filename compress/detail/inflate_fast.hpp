// The inflater's fast path: see inflate_fast.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compress/detail/bit_reader.hpp"
#include "compress/detail/history.hpp"
#include "compress/detail/huffman_decoder.hpp"
#include "compress/error.hpp"

namespace wire::compress::detail {

// The fast path runs only while this much input and output space is left, so that one
// iteration can neither read past the input nor write past the output without checking.
inline constexpr unsigned fast_item_bits = 48;       // 15 + 5 bits of length, 15 + 13 of distance
inline constexpr std::size_t fast_input_margin = 8;  // one 8-byte refill
inline constexpr std::size_t fast_output_margin = max_match + 32;  // a match, copied 16 at a time

// Whether the fast path can decode at least one whole item here.
inline bool fast_path_fits(const BitBuffer& bits, const Input& in, const Output& out) noexcept {
    return out.space() >= fast_output_margin && (in.available() >= fast_input_margin ||
                                                 bits.count + 8 * in.available() >= fast_item_bits);
}

enum class FastStop : std::uint8_t {
    margin,        // too close to the end of the input or the output: the careful path goes on
    end_of_block,  // symbol 256 was decoded
    failed,        // `error` says why
};

// Decodes literals and back-references of the current block while fast_path_fits().
FastStop inflate_fast(const BlockCodes& codes, BitBuffer& bits, Input& in, Output& out,
                      const History& history, Error& error) noexcept;

}  // namespace wire::compress::detail
