// The DEFLATE block decoder (RFC 1951 §3.2.3 - §3.2.7): everything between the zlib or gzip
// header and trailer, resumable at any byte of input and any byte of output space.
//
// Its state is explicit: which part of which block comes next, the code lengths read so far,
// the codes they built, and a literal or back-reference that did not fit the output yet. Each
// run() goes as far as the input and the output space allow.
//
// Two paths decode the compressed data of a block. The careful path (this file's .cpp) decodes
// one symbol at a time, bit by bit, checking the input and the output space at every step; it
// reads like §3.2.5. The fast path (inflate_fast.cpp) runs while at least 8 bytes of input and
// a longest match of output space remain, and does the same work with table lookups and no
// per-step checks. The careful path finishes what the fast path leaves near the ends of the
// buffers, and can stop and resume anywhere.
#pragma once

#include <array>
#include <cstdint>

#include "compress/detail/bit_reader.hpp"
#include "compress/detail/history.hpp"
#include "compress/detail/huffman_decoder.hpp"
#include "compress/error.hpp"

namespace wire::compress::detail {

enum class BlockStatus : std::uint8_t {
    next_step,    // (inside run() only) a part ended; go on with the next
    stream_end,   // the final block ended (§3.2.3 BFINAL)
    need_input,   // every input byte is taken
    need_output,  // the output is full and there is more to write
    failed,       // error() says why
};

class BlockDecoder {
  public:
    BlockDecoder() noexcept = default;
    BlockDecoder(const BlockDecoder&) = delete;
    BlockDecoder& operator=(const BlockDecoder&) = delete;

    // Back to the start of a stream (the first block header). The bit buffer is the caller's.
    void reset() noexcept;

    BlockStatus run(BitBuffer& bits, Input& in, Output& out, const History& history) noexcept;
    Error error() const noexcept { return error_; }

  private:
    enum class Mode : std::uint8_t {
        block_header,         // BFINAL and BTYPE (§3.2.3)
        stored_lengths,       // LEN and NLEN (§3.2.4)
        stored_data,          // LEN bytes as they are
        table_sizes,          // HLIT, HDIST, HCLEN (§3.2.7)
        code_length_lengths,  // (HCLEN + 4) x 3 bits
        code_lengths,         // HLIT + 257 + HDIST + 1 lengths, in the code-length code
        data,                 // literal/length and distance codes (§3.2.5)
        pending_literal,      // a literal that did not fit the output
        pending_match,        // the rest of a back-reference that did not fit
        stream_end,           // after the final block
        failed,               // error_ says why; it stays so
    };

    BlockStatus block_header(BitBuffer& bits, Input& in) noexcept;
    BlockStatus stored_lengths(BitBuffer& bits, Input& in) noexcept;
    BlockStatus stored_data(BitBuffer& bits, Input& in, Output& out) noexcept;
    BlockStatus table_sizes(BitBuffer& bits, Input& in) noexcept;
    BlockStatus code_length_lengths(BitBuffer& bits, Input& in) noexcept;
    BlockStatus code_lengths(BitBuffer& bits, Input& in) noexcept;
    BlockStatus build_block_codes() noexcept;
    BlockStatus data(BitBuffer& bits, Input& in, Output& out, const History& history) noexcept;
    BlockStatus decode_one(BitBuffer& bits, Input& in, Output& out,
                           const History& history) noexcept;
    BlockStatus pending(Output& out, const History& history) noexcept;
    BlockStatus finish_block() noexcept;
    BlockStatus fail(Error e) noexcept;

    Mode mode_ = Mode::block_header;
    bool final_block_ = false;
    Error error_{};

    // Stored blocks: bytes left to copy. Back-references: what did not fit yet.
    std::uint32_t stored_left_ = 0;
    std::uint32_t match_length_ = 0;
    std::uint32_t match_distance_ = 0;
    std::uint8_t literal_ = 0;

    // Dynamic block headers: the counts, and the lengths read so far.
    std::array<std::uint8_t, code_length_symbols> code_length_lengths_{};
    std::uint16_t literal_length_count_ = 0;  // HLIT + 257
    std::uint16_t distance_count_ = 0;        // HDIST + 1
    std::uint16_t code_length_count_ = 0;     // HCLEN + 4
    std::uint16_t lengths_read_ = 0;
    // The lengths read, by symbol: those other than 0, and the last of each run of 0s (what a
    // repeat of "the previous length" reads). The codes are built from the symbols listed.
    std::array<std::uint8_t, max_literal_length_codes + max_distance_codes> lengths_{};
    // The positions in lengths_ given a length other than 0, in order, and how many.
    std::array<std::uint16_t, max_literal_length_codes + max_distance_codes> with_code_{};
    std::uint16_t listed_ = 0;
    std::array<std::uint16_t, max_code_bits + 1> length_counts_{};  // lengths read, by value

    // The current block's codes: the fixed ones, or these, built from the lengths.
    const BlockCodes* codes_ = nullptr;
    BlockCodes dynamic_;
    CanonicalCode code_length_code_;
    std::array<DecodeEntry, code_length_table_size> code_length_table_;
    std::array<DecodeEntry, literal_length_table_size> literal_length_table_;
    std::array<DecodeEntry, distance_table_size> distance_table_;
};

}  // namespace wire::compress::detail
