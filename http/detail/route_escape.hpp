// Percent-decoding of single path segments, as the router needs it (RFC 3986 §2.1).
//
// Go's ServeMux compares and captures path segments *after* unescaping each one, so "%2F" inside a
// segment is a slash in the value but never splits the segment. A segment with a malformed escape
// ("%zz", a lone "%") is used as it is, again as Go does. These helpers are the router's own
// minimal decoder; the general URL codec lives in http/url.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace wire::http::detail {

// True when `raw` holds only well-formed %XX escapes, so decoding it would succeed.
[[nodiscard]] bool valid_escapes(std::string_view raw) noexcept;

// Appends the decoded form of `raw` to `out` (or `raw` itself when an escape is malformed).
// Decoding never lengthens the text, so `out` grows by at most raw.size() bytes.
void append_unescaped(std::string_view raw, std::string& out);

// The decoded form of `raw`, written to `scratch` (which must hold raw.size() bytes); `raw`
// itself when it has no escapes or a malformed one.
[[nodiscard]] std::string_view decode_segment(std::string_view raw,
                                              std::span<char> scratch) noexcept;

// Whether the decoded form of `raw` equals `literal`, without building the decoded text.
[[nodiscard]] bool unescaped_equals(std::string_view raw, std::string_view literal) noexcept;

}  // namespace wire::http::detail
