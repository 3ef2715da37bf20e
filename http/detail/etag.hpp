// Entity tags (RFC 9110 §8.8.3) and their two comparison functions, for conditional requests.
#pragma once

#include <string_view>

namespace wire::http::detail {

//   entity-tag = [ weak ] opaque-tag
//   weak       = %s"W/"
//   opaque-tag = DQUOTE *etagc DQUOTE
//   etagc      = %x21 / %x23-7E / obs-text
struct ETag {
    bool weak = false;
    std::string_view opaque;  // with its quotes, a view into the parsed text
};

// Parses one entity-tag at the start of `s`; returns the bytes it used, 0 if there is none.
std::size_t scan_etag(std::string_view s, ETag& out) noexcept;
// Whether all of `s` is one entity-tag.
bool parse_etag(std::string_view s, ETag& out) noexcept;

// RFC 9110 §8.8.3.2: strong comparison needs both tags strong and the opaque tags equal;
// weak comparison only the opaque tags equal.
bool strong_equal(const ETag& a, const ETag& b) noexcept;
bool weak_equal(const ETag& a, const ETag& b) noexcept;

// Whether a field value of the form  "*" / #entity-tag  (If-Match, If-None-Match) matches
// `current` (a resource's ETag field value, "" when it has none), with strong or weak
// comparison. "*" matches any current representation (RFC 9110 §13.1.1, §13.1.2). A list that
// does not parse matches nothing.
bool etag_list_matches(std::string_view list, std::string_view current, bool weak) noexcept;

}  // namespace wire::http::detail
