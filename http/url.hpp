// URLs: RFC 3986 parsing into views, and the four request-target forms of RFC 9112 §3.2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace wire::http {

// The components of a URI reference, as views into the parsed text (RFC 3986 §3). Nothing is
// decoded: `path` and `query` are as sent; use percent_decode / parse_query for their meaning.
struct UrlView {
    std::string_view scheme;    // "http", without ":"; empty for a relative reference
    std::string_view userinfo;  // before "@", empty if none
    std::string_view host;      // reg-name, IPv4 or "[IPv6]" (brackets kept)
    std::string_view port;      // digits after ":", empty if none
    std::string_view path;
    std::string_view query;      // after "?", without it
    std::string_view fragment;   // after "#", without it
    bool has_authority = false;  // "//" was present
    bool has_query = false;      // "?" was present, even if the query is empty
    bool has_fragment = false;
};

// URI-reference = URI / relative-ref  (RFC 3986 §4.1). Error::bad_url for characters outside a
// component's grammar, a bad port, or an unclosed "[", Error::bad_percent_encoding for "%" not
// followed by two hex digits.
[[nodiscard]] std::error_code parse_url(std::string_view text, UrlView& out) noexcept;

// The request-target forms (RFC 9112 §3.2).
enum class TargetForm : std::uint8_t {
    origin,     // "/path?query"          (§3.2.1) most requests
    absolute,   // "http://host/path"     (§3.2.2) requests to a proxy
    authority,  // "host:port"            (§3.2.3) CONNECT only
    asterisk,   // "*"                    (§3.2.4) server-wide OPTIONS only
};

struct RequestTarget {
    TargetForm form = TargetForm::origin;
    UrlView url;
};

// Classifies and parses a request-target for `method`: authority-form only with CONNECT
// (and CONNECT only with it), "*" only with OPTIONS, otherwise origin- or absolute-form.
[[nodiscard]] std::error_code parse_request_target(std::string_view method, std::string_view target,
                                                   RequestTarget& out) noexcept;

}  // namespace wire::http
