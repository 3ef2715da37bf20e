// Huffman codes for decoding (RFC 1951 §3.2.2), in the two forms the inflater uses.
//
// A DEFLATE block sends only each symbol's code length; §3.2.2 says how the codes follow: the
// codes of each length are consecutive numbers, shorter codes come first, and within one length
// the symbols take codes in symbol order. So the count of codes per length plus the symbols
// sorted by (length, symbol) is the whole code, and decoding can be done bit by bit:
//
//   CanonicalCode: counts and sorted symbols. decode_bitwise() reads one bit at a time and asks
//   "is the code read so far one of the codes of this length?" (as puff.c does). Clear, and
//   slow: up to 15 steps per symbol. The careful path uses it near the ends of the buffers.
//
//   DecodeTable: a lookup table indexed by the next `root` bits of input. Each entry says which
//   symbol those bits start with and how many of them its code uses; codes longer than `root`
//   continue in a second-level table. One or two lookups per symbol: the fast path's way.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "compress/detail/inflate_constants.hpp"
#include "compress/error.hpp"

namespace wire::compress::detail {

// What the code lengths describe, for decode table entries and for the completeness rule.
enum class Alphabet : std::uint8_t { code_lengths, literal_length, distance };

struct CanonicalCode {
    std::array<std::uint16_t, max_code_bits + 1> count{};        // codes of each length; [0] unused
    std::array<std::uint16_t, literal_length_symbols> symbol{};  // by (length, symbol)
    std::uint16_t symbols = 0;                                   // entries of symbol in use
    std::uint8_t longest = 0;                                    // the longest code's length
    bool complete = false;  // every bit pattern starts a code (§3.2.2 Kraft equality)
};

// Builds `code` from `n` code lengths (0 means "symbol not used") and checks them:
//   Error::oversubscribed_code when they describe more codes than the bit patterns allow;
//   Error::incomplete_code when they leave patterns unused, which only a code of one symbol
//   (one code of one bit) or a distance code of no symbols may do. The code-length code must
//   be complete. These are the rules zlib applies, so both accept the same streams.
[[nodiscard]] Error build_canonical(const std::uint8_t* lengths, std::size_t n, Alphabet alphabet,
                                    CanonicalCode& code) noexcept;

// The same, from the symbols that have a code, listed in increasing order (offset by `first`:
// symbol with_code[k] - first has length lengths[with_code[k] - first]; every other symbol has
// none), with code.count already holding the codes of each length. The work follows the
// symbols listed, not the alphabet: a dynamic block lists and counts them as it reads their
// lengths (a 1 KiB message gives some 40 of its 275 literal/lengths a code). Counting and
// sorting every symbol here instead bumps the counter of length 0 once per unused symbol, and
// counting here at all makes a chain of dependent memory updates: together a fifth of such a
// message's time.
[[nodiscard]] Error build_canonical_listed(const std::uint8_t* lengths,
                                           const std::uint16_t* with_code, std::size_t listed,
                                           std::uint16_t first, Alphabet alphabet,
                                           CanonicalCode& code) noexcept;

// Result of a bit-by-bit decode.
inline constexpr int decode_needs_input = -1;  // the input ended inside the code
inline constexpr int decode_invalid = -2;      // no code matches (an incomplete code's gap)

// One entry of a DecodeTable: 32 bits, packed so that the fast path spends few instructions
// per symbol (the idea of libdeflate's entries: what a symbol adds and how many bits it takes,
// extra bits included, in one word):
//
//   bits 16-31  value: the literal byte (or code-length symbol), the base of a length or a
//               distance (§3.2.5), or where a second-level table starts
//   bit  15     literal: a literal byte (or a code-length symbol)
//   bit  14     end of block: symbol 256
//   bit  13     subtable: the code continues in the second-level table at `value`
//   bit  12     exceptional: end of block, subtable or invalid, so one test sets all three
//               apart from literals and lengths; alone, it means invalid (no code starts with
//               these bits, or symbol 286, 287, 30 or 31)
//   bits 8-11   the code's bits (after the root, in a second-level table); for a subtable, the
//               bits that index it
//   bits 0-7    bits the entry takes from the input: the code's bits plus the extra bits of a
//               length or distance, so one shift drops both; for a subtable, the root's bits
//
// A length or distance is value + the extra bits, which sit just above the code's bits in the
// input: (bits & low_bits(consumed)) >> code_bits.
struct DecodeEntry {
    static constexpr std::uint32_t literal = 1u << 15, end_of_block = 1u << 14, subtable = 1u << 13,
                                   exceptional = 1u << 12;

    std::uint32_t word = exceptional;  // invalid

    constexpr unsigned consumed() const noexcept { return word & 0xff; }
    constexpr unsigned code_bits() const noexcept { return (word >> 8) & 0xf; }
    constexpr unsigned value() const noexcept { return word >> 16; }
    constexpr bool is(std::uint32_t flag) const noexcept { return (word & flag) != 0; }

    // A symbol's meaning (`flags`, `value`, `extra` bits) with no code yet; with_code() adds it.
    static constexpr DecodeEntry make(std::uint32_t flags, unsigned value,
                                      unsigned extra = 0) noexcept {
        return {flags | (std::uint32_t{value} << 16) | extra};
    }
    constexpr DecodeEntry with_code(unsigned code_length) const noexcept {
        return {word + (code_length << 8) + code_length};  // both fields grow by it
    }
    // A first-level entry for codes that go on in the second-level table at `offset`, which
    // the `index_bits` bits after the root's `root_bits` index.
    static constexpr DecodeEntry to_subtable(unsigned offset, unsigned root_bits,
                                             unsigned index_bits) noexcept {
        return {subtable | exceptional | (std::uint32_t{offset} << 16) | (index_bits << 8) |
                root_bits};
    }
};

// Fills `table` for an already checked `code`: 2^root entries, then the second-level tables.
// `table` must hold literal_length_table_size / distance_table_size / code_length_table_size
// entries for its alphabet. Returns the entries used.
std::size_t build_decode_table(const CanonicalCode& code, Alphabet alphabet, unsigned root,
                               DecodeEntry* table) noexcept;

// The first-level table's bits for `code`: `most` (the alphabet's root), or fewer when the
// longest code is shorter. A short code needs no more: each entry stands for one code either
// way, and the table to fill shrinks by half per bit (a 1 KiB message's codes are mostly 7 bits
// or less, so 128 entries instead of 1024).
constexpr unsigned root_bits_for(const CanonicalCode& code, unsigned most) noexcept {
    return code.longest < 1 ? 1 : code.longest < most ? code.longest : most;
}

// The literal/length and distance codes of one block, in both forms.
struct BlockCodes {
    CanonicalCode literal_length;
    CanonicalCode distance;
    const DecodeEntry* literal_length_table = nullptr;
    const DecodeEntry* distance_table = nullptr;
    unsigned literal_length_root = literal_length_root_bits;  // the tables' first-level bits
    unsigned distance_root = distance_root_bits;
};

// §3.2.6: the fixed codes, built once (thread-safe) on first use.
const BlockCodes& fixed_codes() noexcept;

// The code's bits reversed: DEFLATE sends Huffman codes most significant bit first (§3.1.1)
// while every other field goes least significant bit first, so a code read from the low end of
// the bit buffer arrives reversed.
inline constexpr std::array<std::uint8_t, 256> reversed_bytes = [] {
    std::array<std::uint8_t, 256> t{};
    for (unsigned b = 0; b < 256; ++b)
        for (unsigned i = 0; i < 8; ++i)
            t[b] |= static_cast<std::uint8_t>(((b >> i) & 1) << (7 - i));
    return t;
}();
constexpr unsigned reverse_bits(unsigned code, unsigned length) noexcept {
    const unsigned r16 = (unsigned{reversed_bytes[code & 0xff]} << 8) | reversed_bytes[code >> 8];
    return r16 >> (16 - length);
}

}  // namespace wire::compress::detail
