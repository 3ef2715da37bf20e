// Base64 lookup tables, all built at compile time from the two alphabets of RFC 4648.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/base64.hpp"

namespace wire::crypto::detail {

// RFC 4648 §4, Table 1, and §5, Table 2: value -> character.
inline constexpr char base64_std_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr char base64_url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

inline constexpr std::uint8_t base64_invalid = 0xff;

// character -> value, or base64_invalid for every byte outside the alphabet ('=' included).
using Base64DecodeTable = std::array<std::uint8_t, 256>;

constexpr Base64DecodeTable make_base64_decode_table(const char* chars) {
    Base64DecodeTable table{};
    for (auto& v : table)
        v = base64_invalid;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(chars[i])] = static_cast<std::uint8_t>(i);
    return table;
}

inline constexpr Base64DecodeTable base64_std_decode = make_base64_decode_table(base64_std_chars);
inline constexpr Base64DecodeTable base64_url_decode = make_base64_decode_table(base64_url_chars);

inline const char* base64_chars(base64::Alphabet a) noexcept {
    return a == base64::Alphabet::url ? base64_url_chars : base64_std_chars;
}
inline const Base64DecodeTable& base64_decode_table(base64::Alphabet a) noexcept {
    return a == base64::Alphabet::url ? base64_url_decode : base64_std_decode;
}

}  // namespace wire::crypto::detail
