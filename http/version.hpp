// The HTTP-version of a start line (RFC 9112 §2.3), Go's http.ParseHTTPVersion.
#pragma once

#include <string_view>

namespace wire::http {

// HTTP-version = HTTP-name "/" DIGIT "." DIGIT,  HTTP-name = %s"HTTP"  (RFC 9112 §2.3)
// "HTTP/1.1" -> major 1, minor 1, true. The name is case-sensitive and each number one digit,
// as the grammar says (Go also accepts longer numbers); false leaves the outputs unchanged.
[[nodiscard]] bool parse_http_version(std::string_view text, int& major, int& minor) noexcept;

}  // namespace wire::http
