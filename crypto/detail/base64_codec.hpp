// The two Base64 implementations behind crypto/base64.hpp, exposed for tests and fuzzers that
// compare them. Callers have already checked the output sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/base64.hpp"

namespace wire::crypto::detail {

// Readable reference versions, one character at a time, as RFC 4648 describes them.
// decode_plain can resume at a quantum boundary `start` with `written` bytes already in `out`.
std::size_t base64_encode_plain(std::span<const std::uint8_t> in, char* out,
                                base64::Encoding enc) noexcept;
base64::DecodeResult base64_decode_plain(std::string_view in, std::span<std::uint8_t> out,
                                         base64::Encoding enc, std::size_t start = 0,
                                         std::size_t written = 0) noexcept;

// Table-driven fast paths: bulk quanta several at a time, then the plain code for the end (and
// for any error, so errors and offsets are the plain code's by construction).
std::size_t base64_encode_fast(std::span<const std::uint8_t> in, char* out,
                               base64::Encoding enc) noexcept;
base64::DecodeResult base64_decode_fast(std::string_view in, std::span<std::uint8_t> out,
                                        base64::Encoding enc) noexcept;

}  // namespace wire::crypto::detail
