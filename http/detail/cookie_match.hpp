// The matching rules of RFC 6265 §5.1 that a cookie jar applies: canonical hosts, domain-match,
// default-path and path-match. Pure functions over text, tested as tables.
#pragma once

#include <string>
#include <string_view>

namespace wire::http::detail {

// An IPv4 or IPv6 address written as such ("127.0.0.1", "::1"; no brackets), as opposed to a
// host name. RFC 6265 §5.1.3 treats them differently: an IP address only matches itself.
[[nodiscard]] bool is_ip_address(std::string_view host) noexcept;

// RFC 6265 §5.1.2 canonicalized host name of a URL's host component: lower case, IPv6 brackets
// removed, a final "." of a fully qualified name removed (as Go). Names must already be in
// ASCII (IDNA A-labels, "xn--..."): no punycode conversion happens here.
[[nodiscard]] std::string canonical_host(std::string_view host);

// RFC 6265 §5.1.3 domain-match: `host` (canonical) domain-matches `domain` when they are
// identical, or when `domain` is a suffix of `host`, the character before it in `host` is "."
// and `host` is a host name, not an IP address.
[[nodiscard]] bool domain_match(std::string_view host, std::string_view domain) noexcept;

// `s` ends with "." + `suffix` ("www.example.com" and "example.com").
[[nodiscard]] bool has_dot_suffix(std::string_view s, std::string_view suffix) noexcept;

// RFC 6265 §5.1.4 default-path of a request's path: "/" when it is empty, does not start with
// "/" or has only one "/"; otherwise everything before the right-most "/" ("/a/b/c" -> "/a/b").
[[nodiscard]] std::string_view default_path(std::string_view uri_path) noexcept;

// RFC 6265 §5.1.4 path-match: `request_path` path-matches `cookie_path` when they are identical,
// or `cookie_path` is a prefix of it that ends in "/" or is followed in it by "/".
[[nodiscard]] bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept;

}  // namespace wire::http::detail
