// Inflater: DEFLATE decompression (RFC 1951), with zlib (RFC 1950) or gzip (RFC 1952) framing.
//
// Streaming and resumable at any byte of input and any byte of output space: each inflate()
// call reads from `in`, writes into `out` (memory the caller owns) and says how many bytes it
// consumed and produced. Bytes not consumed must be presented again in front of new ones.
//
//     Inflater inf({.format = Format::gzip, .max_output = 64 << 20});
//     auto r = inf.inflate(input, space, /*last_input=*/true);
//     if (r.failed()) report(make_error_code(r.error));
//
// Safe by construction: max_output is enforced inside the decoding loop, so a stream that
// expands a thousandfold stops at the limit with Error::output_limit; memory never follows a
// length that the stream claims.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <system_error>

#include "compress/outcome.hpp"

namespace wire::compress {

struct InflateOptions {
    Format format = Format::raw;
    // The largest distance accepted, as log2 bytes (8..15). A zlib header asking for more is
    // Error::window_too_large; a raw back-reference farther than this is distance_too_far.
    int window_bits = max_window_bits;
    // The most output bytes one stream may produce (for gzip: all members together).
    std::uint64_t max_output = std::numeric_limits<std::uint64_t>::max();
    // gzip: accept further members after the first (RFC 1952 §2.2), as gzip -d does.
    bool multi_member = true;
    // gzip: the longest FEXTRA, FNAME or FCOMMENT accepted (Error::header_too_large).
    std::size_t max_header_field = 64 * 1024;
};

// What a gzip member header said (RFC 1952 §2.3.1), for the first member.
struct GzipHeader {
    std::uint32_t mtime = 0;
    std::uint8_t os = 255;  // 255: unknown
    std::uint8_t extra_flags = 0;
    bool text = false;    // FTEXT
    std::string name;     // FNAME, without its terminating zero
    std::string comment;  // FCOMMENT, without its terminating zero
    std::string extra;    // FEXTRA's bytes (the subfields, undecoded)
};

class Inflater {
  public:
    explicit Inflater(InflateOptions options = {}) noexcept;
    ~Inflater();
    Inflater(Inflater&&) noexcept;
    Inflater& operator=(Inflater&&) noexcept;
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Decodes what it can. done: the stream (or, for gzip, the last member) ended and its
    // checksum matched; need_more: give more input or more output space. With last_input set,
    // running out of input before the end is Error::truncated instead of need_more.
    StepResult inflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                       bool last_input = false) noexcept;

    // A preset dictionary (RFC 1950 §2.2 FDICT; for raw streams, history to start from): call
    // before the first inflate() of a stream (zlib: or after Error::dictionary_required).
    void set_dictionary(std::span<const std::uint8_t> dictionary) noexcept;

    // Starts a new stream with the same options, forgetting all history.
    void reset() noexcept;
    // Starts a new raw stream that may still refer back into the history of the previous one
    // (RFC 7692 §7.2.3.3 context takeover across a BFINAL block). The history is kept at the
    // end of a raw stream only when its last inflate() did not say last_input.
    void reset_keep_history() noexcept;

    // Changes options.max_output for the rest of the stream. It bounds total_out(), so a
    // permessage-deflate receiver with context takeover limits each message with
    // set_max_output(total_out() + max_message_size) before inflating it.
    void set_max_output(std::uint64_t max_output) noexcept { options_.max_output = max_output; }

    // Copies the last bytes of output kept as history (at most out.size() and 2^window_bits:
    // what a back-reference of a stream that goes on could reach) to the start of `out`;
    // returns how many.
    std::size_t copy_history(std::span<std::uint8_t> out) const noexcept;
    std::uint64_t total_in() const noexcept;
    std::uint64_t total_out() const noexcept;
    const GzipHeader& gzip_header() const noexcept;

    // Heap bytes held now (window and tables), to state memory per connection; 0 before the
    // first inflate(). release_memory() gives them back between streams (after done or reset).
    std::size_t memory_in_use() const noexcept;
    void release_memory() noexcept;

  private:
    struct State;
    std::unique_ptr<State> state_;
    InflateOptions options_;
};

// One-shot convenience for tests and tools: inflates all of `in`, growing `out` up to
// options.max_output. Returns the error, or {} on a complete stream.
[[nodiscard]] std::error_code inflate_all(std::span<const std::uint8_t> in, std::string& out,
                                          const InflateOptions& options = {});

}  // namespace wire::compress
