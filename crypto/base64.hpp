// Base64 (RFC 4648 §4) and base64url (§5), padded or not, with strict decoding.
//
// Shape after Go's encoding/base64: an Encoding value (alphabet + padding), size helpers, and
// encode/decode into caller-provided buffers. Unlike Go, decoding never skips CR/LF: this codec
// decodes header values (Sec-WebSocket-Key, RFC 6455 §4.1), where any stray byte is an error.
//
// Strict means every input has at most one accepted spelling (RFC 4648 §3.5 "canonical"):
// characters outside the alphabet, '=' out of place, missing or extra padding, and non-zero
// unused bits in the last character are all rejected, each with the offset of the first bad byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "crypto/error.hpp"

namespace wire::crypto::base64 {

enum class Alphabet : std::uint8_t {
    standard,  // RFC 4648 §4: A-Z a-z 0-9 + /
    url,       // RFC 4648 §5: A-Z a-z 0-9 - _ (safe in URLs and file names)
};

struct Encoding {
    Alphabet alphabet = Alphabet::standard;
    bool padded = true;  // RFC 4648 §3.2: pad the final quantum to 4 characters with '='
};

// Go's four standard encodings, under Go's names.
inline constexpr Encoding std_encoding{Alphabet::standard, true};
inline constexpr Encoding url_encoding{Alphabet::url, true};
inline constexpr Encoding raw_std_encoding{Alphabet::standard, false};
inline constexpr Encoding raw_url_encoding{Alphabet::url, false};

// Characters that encode() writes for `n` input bytes.
constexpr std::size_t encoded_size(std::size_t n, Encoding enc = std_encoding) noexcept {
    const std::size_t tail = n % 3;  // 0, 1 or 2 bytes in the final quantum
    if (tail == 0) return n / 3 * 4;
    return n / 3 * 4 + (enc.padded ? 4 : tail + 1);
}

// The most bytes decode() can write for `n` input characters (exact for unpadded input).
constexpr std::size_t decoded_size(std::size_t n, Encoding enc = std_encoding) noexcept {
    if (enc.padded) return n / 4 * 3;
    return n / 4 * 3 + (n % 4) * 6 / 8;
}

// Encodes `in` into `out` and returns the characters written (encoded_size(in.size(), enc)).
// Throws std::length_error if `out` is shorter than that: a programmer error, never a data error.
std::size_t encode(std::span<const std::uint8_t> in, std::span<char> out,
                   Encoding enc = std_encoding);

// Conveniences that allocate the result.
[[nodiscard]] std::string encode(std::span<const std::uint8_t> in, Encoding enc = std_encoding);
[[nodiscard]] std::string encode(std::string_view in, Encoding enc = std_encoding);

struct DecodeResult {
    std::size_t written = 0;  // bytes stored in `out` (on error: before the error; do not use them)
    std::error_code error;    // a wire::crypto::Error, or empty on success
    std::size_t offset = 0;   // on error: index of the first bad byte of the input, or its
                              // length when the input ends too early
};

// Decodes `in` into `out` strictly (see the top of this file). `out` must hold
// decoded_size(in.size(), enc) bytes, else std::length_error (a programmer error).
[[nodiscard]] DecodeResult decode(std::string_view in, std::span<std::uint8_t> out,
                                  Encoding enc = std_encoding);

}  // namespace wire::crypto::base64
