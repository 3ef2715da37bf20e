// Errors of the crypto layer, as std::error_code values (the codecs never throw on bad input).
#pragma once

#include <system_error>

namespace wire::crypto {

enum class Error {
    // Base64 (RFC 4648). Each comes with the byte offset of the first offending character.
    base64_invalid_character = 1,  // a byte outside the alphabet (RFC 4648 §3.3)
    base64_unexpected_padding,     // '=' in an encoding without padding (RFC 4648 §3.2)
    base64_wrong_padding,          // '=' where data must be, or data where '=' must be
    base64_missing_padding,        // the last quantum is not padded to 4 characters (§3.2)
    base64_excess_padding,         // more '=' than the last quantum needs
    base64_data_after_padding,     // characters after the padded final quantum (§3.3)
    base64_truncated,              // a lone final character: 6 bits cannot form a byte
    base64_nonzero_trailing_bits,  // the pad bits of the last character are not zero (§3.5)
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace wire::crypto

template <>
struct std::is_error_code_enum<wire::crypto::Error> : std::true_type {};
