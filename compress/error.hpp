// Errors of the compress layer, as std::error_code values. The codecs never throw on bad input:
// every malformed stream ends with one of these and the RFC section of the rule it breaks.
#pragma once

#include <system_error>

namespace wire::compress {

enum class Error {
    // DEFLATE (RFC 1951)
    bad_block_type = 1,      // BTYPE 11 is reserved (§3.2.3)
    stored_length_mismatch,  // a stored block's NLEN is not the complement of LEN (§3.2.4)
    oversubscribed_code,  // code lengths describe more codes than the bit lengths allow (§3.2.2)
    incomplete_code,      // code lengths leave codes unused where a complete code is required
    bad_code_lengths,  // HLIT/HDIST out of range, a repeat with nothing to repeat or past the end
                       // (§3.2.7)
    missing_end_of_block,  // the literal/length code gives symbol 256 no code (§3.2.7)
    invalid_symbol,    // literal/length 286-287 or distance 30-31, or a bit pattern with no symbol
                       // (§3.2.6)
    distance_too_far,  // a back-reference before the start of the data or beyond the window
                       // (§3.2.5)
    truncated,         // the input ended before the stream's final block ended
    output_limit,      // inflating would exceed the configured limit on output bytes
    // zlib (RFC 1950)
    bad_zlib_header,      // CM is not 8, CINFO > 7, or FCHECK fails (§2.2)
    window_too_large,     // the stream's window is larger than the one this inflater allows
    dictionary_required,  // FDICT is set and no dictionary was given (§2.2)
    dictionary_mismatch,  // DICTID is not the Adler-32 of the dictionary given (§2.2)
    adler32_mismatch,     // the trailer's ADLER32 differs from the data's (§2.2)
    // gzip (RFC 1952)
    bad_gzip_header,           // ID1/ID2 not 31/139, CM not 8, or reserved FLG bits set (§2.3.1)
    gzip_header_crc_mismatch,  // FHCRC does not match the header (§2.3.1)
    crc32_mismatch,            // the member's CRC32 differs from the data's (§2.3.1)
    length_mismatch,   // the member's ISIZE differs from the data's length mod 2^32 (§2.3.1)
    header_too_large,  // FEXTRA, FNAME or FCOMMENT longer than the configured limit
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace wire::compress

template <>
struct std::is_error_code_enum<wire::compress::Error> : std::true_type {};
