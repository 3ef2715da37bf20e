// The three outcomes of every codec step (STYLE.md §3), for codecs with input AND output buffers:
// a step consumes input and produces output into memory the caller owns.
#pragma once

#include <cstddef>
#include <cstdint>

#include "compress/error.hpp"

namespace wire::compress {

enum class Outcome : std::uint8_t { done, need_more, error };

// need_more means: call again, after giving more input (consumed == the input's size) or more
// output space (produced == the output's size), or both. Never an error by itself.
struct [[nodiscard]] StepResult {
    Outcome outcome = Outcome::need_more;
    std::size_t consumed = 0;  // input bytes used by this step
    std::size_t produced = 0;  // output bytes written by this step
    Error error{};             // when failed()

    bool done() const noexcept { return outcome == Outcome::done; }
    bool need_more() const noexcept { return outcome == Outcome::need_more; }
    bool failed() const noexcept { return outcome == Outcome::error; }
};

// How the DEFLATE data is wrapped.
enum class Format : std::uint8_t {
    raw,   // bare DEFLATE blocks (RFC 1951); what permessage-deflate carries (RFC 7692)
    zlib,  // 2-byte header, DEFLATE, Adler-32 (RFC 1950); HTTP's "deflate" coding
    gzip,  // member header, DEFLATE, CRC-32 and length (RFC 1952); HTTP's "gzip" coding
};

// Window sizes, as log2 of the bytes of history a back-reference may reach (RFC 1951 §3.2.5
// allows 32 KiB; RFC 7692 §7.1.2 lets peers agree on 2^8 to 2^15).
inline constexpr int min_window_bits = 8;
inline constexpr int max_window_bits = 15;

}  // namespace wire::compress
