// Media types with parameters (RFC 9110 §8.3.1), and Content-Disposition (RFC 6266 §4.1) as
// multipart/form-data uses it (RFC 7578 §4.2): both are "value *( OWS ";" OWS parameter )".
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wire::http::detail {

//   media-type = type "/" subtype parameters
//   parameters = *( OWS ";" OWS [ parameter ] )
//   parameter  = parameter-name "=" parameter-value
//   parameter-value = ( token / quoted-string )
struct MediaType {
    std::string type;  // "multipart/form-data", lower-cased (RFC 9110 §8.3.1: case-insensitive)
    // Names lower-cased, values unquoted (quoted-pair unescaped), in order.
    std::vector<std::pair<std::string, std::string>> params;

    // The value of parameter `name` (lower case), or "" when absent.
    [[nodiscard]] std::string_view param(std::string_view name) const noexcept;
    [[nodiscard]] bool has_param(std::string_view name) const noexcept;
};

// Parses a Content-Type value. With `allow_bare_type`, the first element may be a single token
// without "/" (a Content-Disposition's "form-data" or "attachment"). false when malformed,
// including a repeated parameter (ambiguous, RFC 9110 §8.3.1).
bool parse_media_type(std::string_view value, MediaType& out, bool allow_bare_type = false);

// The boundary of a "multipart/..." Content-Type (RFC 2046 §5.1.1: 1..70 bchars, not ending in
// a space), or "" when the type is not multipart or has no valid boundary.
std::string multipart_boundary(std::string_view content_type);

}  // namespace wire::http::detail
