// Character classes of the HTTP grammar as 256-entry tables built at compile time
// (STYLE.md §9): one load and one test per byte in the parsers' inner loops.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace wire::http::detail {

enum CharClass : std::uint8_t {
    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|"
    //       / "~" / DIGIT / ALPHA                                      (RFC 9110 §5.6.2)
    kToken = 1,
    // field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value  (RFC 9110 §5.5)
    kFieldValue = 2,
    // Characters a request-target may carry (RFC 3986 §2: unreserved / reserved / "%"),
    // without "#" since a fragment is never sent (RFC 9112 §3.2).
    kTarget = 4,
    // HEXDIG (RFC 5234 B.1)
    kHex = 8,
    // host = IP-literal / IPv4address / reg-name, plus ":" port  (RFC 3986 §3.2.2)
    kHost = 16,
    // unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"               (RFC 3986 §2.3)
    kUnreserved = 32,
};

constexpr bool is_alpha(unsigned c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(unsigned c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_in(unsigned c, std::string_view set) {
    for (char s : set) {
        if (static_cast<unsigned char>(s) == c) return true;
    }
    return false;
}

constexpr std::array<std::uint8_t, 256> make_char_table() {
    std::array<std::uint8_t, 256> t{};
    constexpr std::string_view token_punct = "!#$%&'*+-.^_`|~";
    constexpr std::string_view sub_delims = "!$&'()*+,;=";
    constexpr std::string_view gen_delims_no_hash = ":/?[]@";
    for (unsigned c = 0; c < 256; ++c) {
        const bool alnum = is_alpha(c) || is_digit(c);
        const bool unreserved = alnum || is_in(c, "-._~");
        unsigned m = 0;
        if (alnum || is_in(c, token_punct)) m |= kToken;
        if ((c >= 0x21 && c != 0x7f) || c == ' ' || c == '\t') m |= kFieldValue;
        if (unreserved || is_in(c, sub_delims) || is_in(c, gen_delims_no_hash) || c == '%') {
            m |= kTarget;
        }
        if (is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) m |= kHex;
        if (unreserved || is_in(c, sub_delims) || is_in(c, ":[]%")) m |= kHost;
        if (unreserved) m |= kUnreserved;
        t[c] = static_cast<std::uint8_t>(m);
    }
    return t;
}

inline constexpr std::array<std::uint8_t, 256> kChars = make_char_table();

constexpr bool is_token(char c) {
    return kChars[static_cast<unsigned char>(c)] & kToken;
}
constexpr bool is_field_value(char c) {
    return kChars[static_cast<unsigned char>(c)] & kFieldValue;
}
constexpr bool is_target(char c) {
    return kChars[static_cast<unsigned char>(c)] & kTarget;
}
constexpr bool is_hex(char c) {
    return kChars[static_cast<unsigned char>(c)] & kHex;
}
constexpr bool is_host(char c) {
    return kChars[static_cast<unsigned char>(c)] & kHost;
}
constexpr bool is_unreserved(char c) {
    return kChars[static_cast<unsigned char>(c)] & kUnreserved;
}

// The value of a HEXDIG; only meaningful when is_hex(c).
constexpr unsigned hex_value(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= '9') return u - '0';
    return (u | 0x20u) - 'a' + 10;
}

// ASCII lower-casing without the locale (RFC 9110 §5.1: field names are case-insensitive).
constexpr char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
}
constexpr char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - ('a' - 'A')) : c;
}

// An unaligned load of a T from p (memcpy is how C++ says it; compilers emit one move).
template <class T>
inline T load(const char* p) noexcept {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Case-insensitive ASCII comparison.
constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    return true;
}

// Compares `s` with `lower`, a literal of lower-case letters, digits and "-", ignoring the
// case of `s`. Cheaper than iequals: OR-ing 0x20 lower-cases a letter, and the only other
// bytes it could map onto those characters are controls, which a validated name or value never
// holds. Precondition: `s` has no control characters.
constexpr bool iequals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    std::size_t i = 0;
    if (!std::is_constant_evaluated()) {
        // Why: OR-ing 0x20 into each byte of a word is the same as into each byte alone, so
        // 8 (then 4) bytes are compared per step; this runs for every field of every request.
        for (; i + 8 <= s.size(); i += 8) {
            if ((load<std::uint64_t>(s.data() + i) | 0x2020202020202020u) !=
                load<std::uint64_t>(lower.data() + i)) {
                return false;
            }
        }
        if (i + 4 <= s.size()) {
            if ((load<std::uint32_t>(s.data() + i) | 0x20202020u) !=
                load<std::uint32_t>(lower.data() + i)) {
                return false;
            }
            i += 4;
        }
    }
    for (; i < s.size(); ++i) {
        if ((s[i] | 0x20) != lower[i]) return false;
    }
    return true;
}

// OWS = *( SP / HTAB )  (RFC 9110 §5.6.3)
constexpr std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// Whether the comma-separated list `list` (RFC 9110 §5.6.1: #element, empty elements allowed)
// holds `token`, compared case-insensitively: has_token("keep-alive, Upgrade", "upgrade").
constexpr bool list_has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view item = trim_ows(list.substr(0, comma));
        if (iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace wire::http::detail
