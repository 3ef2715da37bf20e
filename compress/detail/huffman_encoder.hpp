// Huffman codes for the encoder (RFC 1951 §3.2.2): from symbol frequencies to code lengths no
// longer than a limit, and from code lengths to the canonical codes DEFLATE transmits.
#pragma once

#include <array>
#include <cstdint>

namespace wire::compress::detail {

// Sets lengths[0..n) so that frequent symbols get short codes, no code is longer than max_bits,
// unused symbols get 0, and the code is complete (its lengths fill the code space exactly, as
// RFC 1951 §3.2.2's construction expects). At least two symbols get a code even when fewer are
// used, so a decoder never meets a one-symbol (incomplete) code. n <= 288, 2^max_bits >= n.
// Returns the bits the symbols take in this code: the sum of freq[s] * lengths[s].
// With `shape`, also says what build_codes() would otherwise find again by going through every
// symbol: the codes of each length, and which symbols have one.
struct CodeShape {
    std::array<std::uint16_t, 16> counts;    // codes of each length; [0] is 0
    std::array<std::uint16_t, 288> symbols;  // the symbols given a code, in symbol order
    unsigned used = 0;                       // entries of `symbols`
};
std::uint64_t build_code_lengths(const std::uint32_t* freq, unsigned n, unsigned max_bits,
                                 std::uint8_t* lengths, CodeShape* shape = nullptr) noexcept;

// RFC 1951 §3.2.2: the canonical code of each symbol, from the lengths alone. The codes come
// back bit-reversed, ready for BitWriter::put (Huffman codes are sent most significant bit
// first, every other field least significant bit first: §3.1.1).
void build_codes(const std::uint8_t* lengths, unsigned n, std::uint16_t* codes) noexcept;
// The same from the shape build_code_lengths() gave: the work follows the symbols that have a
// code (a 1 KiB message gives some 20 of the 286 literal/length symbols one), not the alphabet.
void build_codes(const std::uint8_t* lengths, unsigned n, const CodeShape& shape,
                 std::uint16_t* codes) noexcept;

}  // namespace wire::compress::detail
