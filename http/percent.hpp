// Percent-encoding (RFC 3986 §2.1): decoding and encoding for paths and query strings,
// with the same choices as Go's net/url (PathEscape, QueryEscape, PathUnescape, QueryUnescape).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace wire::http {

enum class Escape {
    path_segment,  // Go's PathEscape: one segment, so "/" is escaped too
    path,          // a whole path: "/" kept, everything outside pchar escaped
    query,         // Go's QueryEscape: a query key or value, space becomes "+"
};

// Appends the decoded form of `in` to `out`. Query mode also turns "+" into a space.
// Error::bad_percent_encoding (with nothing appended) when a "%" is not followed by two
// hexadecimal digits.
[[nodiscard]] std::error_code percent_decode(std::string_view in, std::string& out,
                                             Escape mode = Escape::path);

// Decodes in place; returns the new length, or a negative value for a bad "%" sequence.
// Decoded text is never longer than its encoding, so no allocation is needed.
[[nodiscard]] long percent_decode_in_place(char* data, std::size_t size,
                                           bool plus_is_space) noexcept;

// `in` with every byte that may not appear literally in that component written as %XX
// (upper-case hex, as RFC 3986 §2.1 recommends).
std::string percent_encode(std::string_view in, Escape mode);

}  // namespace wire::http
