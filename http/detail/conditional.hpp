// Conditional requests (RFC 9110 §13): the five precondition fields evaluated in the order
// §13.2.2 prescribes, for a representation with an ETag and a modification time. Pure.
#pragma once

#include <ctime>
#include <optional>
#include <string_view>

namespace wire::http::detail {

// The request's fields that matter ("" when absent).
struct ConditionalFields {
    std::string_view method;
    std::string_view if_match;
    std::string_view if_unmodified_since;
    std::string_view if_none_match;
    std::string_view if_modified_since;
    std::string_view if_range;
    std::string_view range;
};

enum class Precondition : unsigned char {
    proceed,              // serve normally (200, or 206 if the range is kept)
    not_modified,         // 304 (RFC 9110 §15.4.5)
    precondition_failed,  // 412 (RFC 9110 §15.5.13)
};

struct ConditionalResult {
    Precondition outcome = Precondition::proceed;
    // The Range field to honour: the request's, or "" when If-Range did not match (§13.1.5)
    // or the method is not GET/HEAD (§14.2: Range applies to GET only; HEAD as Go).
    std::string_view range;
};

// RFC 9110 §13.2.2, with `etag` the representation's ETag value ("" for none) and `modtime`
// its Last-Modified time in seconds (nullopt when unknown):
//   1. If-Match present: false -> 412.
//   2. Else If-Unmodified-Since present (a valid date): modified since -> 412.
//   3. If-None-Match present: true (a weak match, or "*") -> 304 for GET/HEAD, else 412.
//   4. Else for GET/HEAD with If-Modified-Since (a valid date): not modified since -> 304.
//   5. GET/HEAD with Range and If-Range: If-Range false -> ignore Range.
ConditionalResult evaluate_preconditions(const ConditionalFields& f, std::string_view etag,
                                         std::optional<std::time_t> modtime);

}  // namespace wire::http::detail
