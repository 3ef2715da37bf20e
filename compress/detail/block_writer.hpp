// Block writer: one DEFLATE block from the symbols the match finder chose (RFC 1951 §3.2.3).
//
// plan_block() builds the block's dynamic Huffman codes and counts, to the bit, what the block
// costs as each of the three block types; it picks the smallest:
//   stored  (§3.2.4)  the bytes as they are, plus 5 header bytes per 65,535 and a byte boundary,
//   fixed   (§3.2.6)  the RFC's predefined codes: no code tables to send, for short blocks,
//   dynamic (§3.2.7)  codes built for this block, sent first as code lengths.
// write_block() then sends it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compress/detail/bit_writer.hpp"
#include "compress/detail/huffman_encoder.hpp"
#include "compress/detail/lz77_codes.hpp"

namespace wire::compress::detail {

// The symbols of one block, as the match finder leaves them. Each item is a literal byte
// (item < 256) or a match: (distance << 8) | (length - 3).
struct BlockSymbols {
    const std::uint32_t* items = nullptr;
    std::size_t count = 0;
    const std::uint32_t* lit_len_freq = nullptr;   // 286 counts; [256] (end of block) is 1
    const std::uint32_t* distance_freq = nullptr;  // 30 counts
    const std::uint8_t* bytes = nullptr;  // the block's input, for a stored block (or nullptr)
    std::size_t byte_count = 0;
};

enum class BlockType : std::uint8_t { stored = 0, fixed = 1, dynamic = 2 };  // BTYPE (§3.2.3)

// A Huffman code ready to send: lengths and bit-reversed codes per symbol.
struct LitLenDistanceCodes {
    std::uint8_t lit_len_bits[num_lit_len_symbols + 2];
    std::uint16_t lit_len_code[num_lit_len_symbols + 2];
    std::uint8_t distance_bits[num_distance_symbols + 2];
    std::uint16_t distance_code[num_distance_symbols + 2];
};

struct BlockPlan {
    BlockType type = BlockType::fixed;
    std::uint64_t bits = 0;  // the block's size, header and padding included
    LitLenDistanceCodes codes;
    // Dynamic header (§3.2.7): HLIT, HDIST, HCLEN and the run-length coded code lengths.
    unsigned hlit = 0, hdist = 0, hclen = 0;
    std::uint8_t code_length_bits[num_code_length_symbols];
    std::uint16_t code_length_code[num_code_length_symbols];
    std::uint8_t rle_symbol[num_lit_len_symbols + num_distance_symbols];
    std::uint8_t rle_extra[num_lit_len_symbols + num_distance_symbols];
    unsigned rle_count = 0;
    // What the three codes' canonical codes are built from.
    CodeShape lit_len_shape, distance_shape, code_length_shape;

    // Output space write_block() needs, with the bit writer's 8 bytes of slack.
    std::size_t max_bytes() const noexcept { return static_cast<std::size_t>(bits / 8) + 10; }
};

// `bit_offset` is the number of bits already pending in the writer (0..7): a stored block's
// padding depends on it.
void plan_block(const BlockSymbols& block, unsigned bit_offset, BlockPlan& plan) noexcept;
void write_block(BitWriter& out, const BlockSymbols& block, const BlockPlan& plan,
                 bool final) noexcept;

// Stored blocks of up to 65,535 bytes each (§3.2.4); n == 0 writes one empty block, which is
// how a sync flush ends (00 00 ff ff).
void write_stored(BitWriter& out, const std::uint8_t* bytes, std::size_t n, bool final) noexcept;
// Output space write_stored() needs for n bytes, slack included.
std::size_t stored_max_bytes(std::size_t n) noexcept;

}  // namespace wire::compress::detail
