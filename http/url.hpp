// URLs: RFC 3986 parsing into views, and the four request-target forms of RFC 9112 §3.2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "http/values.hpp"

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

// An owning URL with its path decoded: Go's url.URL, what Request::url() returns.
//
// One deviation: Go sets RawPath only when the path's encoding differs from the default one;
// here raw_path is always the path as sent (still encoded), and escaped_path() returns it.
struct Url {
    std::string scheme;        // "http"; empty for a relative reference or an origin-form target
    std::string user;          // the userinfo before "@", as sent
    std::string host;          // "example.com:8080", the port kept (Go's Host)
    std::string path;          // decoded: "/a b" for "/a%20b"
    std::string raw_path;      // the path as sent: "/a%20b"
    std::string raw_query;     // after "?", without it, still encoded
    std::string fragment;      // after "#", decoded
    bool force_query = false;  // "?" was present with an empty query (Go's ForceQuery)

    // Go's Query(): raw_query parsed anew on each call; pairs that do not decode are dropped.
    [[nodiscard]] Values query() const;
    // raw_path, or `path` percent-encoded when raw_path is empty (Go's EscapedPath).
    [[nodiscard]] std::string escaped_path() const;
    // "/path?query", what goes in a request line (Go's RequestURI); "/" for an empty path.
    [[nodiscard]] std::string request_uri() const;
    // The URL back as text: scheme://user@host/path?query#fragment (Go's String).
    [[nodiscard]] std::string string() const;
    // The host without its port, brackets removed from an IPv6 literal (Go's Hostname), and
    // the port alone, "" when none (Go's Port).
    [[nodiscard]] std::string_view hostname() const noexcept;
    [[nodiscard]] std::string_view port() const noexcept;
    [[nodiscard]] bool is_abs() const noexcept { return !scheme.empty(); }
};

// Go's url.Parse: parse_url, then the path and fragment decoded into `out`. Errors as
// parse_url's; `out` is left empty then.
[[nodiscard]] std::error_code parse_url(std::string_view text, Url& out);

// Go's url.ParseRequestURI as the server applies it to a request-target (RFC 9112 §3.2):
// origin-form fills path and raw_query; absolute-form scheme, host and the rest;
// authority-form (CONNECT) only host; asterisk-form the path "*". Errors as
// parse_request_target's.
[[nodiscard]] std::error_code parse_request_uri(std::string_view method, std::string_view target,
                                                Url& out);

}  // namespace wire::http
