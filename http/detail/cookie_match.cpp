#include "http/detail/cookie_match.hpp"

#include <arpa/inet.h>

#include <array>

namespace wire::http::detail {

bool is_ip_address(std::string_view host) noexcept {
    // Why not net::Address: this file is a codec and includes nothing from net/ (check-layers).
    // inet_pton wants a NUL-terminated string; no address is longer than an IPv6 one
    // ("ffff:...:255.255.255.255", 45 characters), so a longer host is a name.
    std::array<char, 64> text{};
    if (host.empty() || host.size() >= text.size()) return false;
    host.copy(text.data(), host.size());
    unsigned char addr[16];
    return ::inet_pton(AF_INET, text.data(), addr) == 1 ||
           ::inet_pton(AF_INET6, text.data(), addr) == 1;
}

std::string canonical_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    // "example.com." and "example.com" name the same host; Go strips the dot too.
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    std::string out(host);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
    return out;
}

bool has_dot_suffix(std::string_view s, std::string_view suffix) noexcept {
    return s.size() > suffix.size() && s.ends_with(suffix) &&
           s[s.size() - suffix.size() - 1] == '.';
}

bool domain_match(std::string_view host, std::string_view domain) noexcept {
    if (host == domain) return true;
    // RFC 6265 §5.1.3: the suffix rule is for host names; "1.2.3.4" must not match "3.4".
    return has_dot_suffix(host, domain) && !is_ip_address(host);
}

std::string_view default_path(std::string_view uri_path) noexcept {
    // RFC 6265 §5.1.4 steps 2 and 3.
    if (uri_path.empty() || uri_path.front() != '/') return "/";
    const std::size_t last = uri_path.rfind('/');
    if (last == 0) return "/";
    // Step 4: up to, not including, the right-most "/".
    return uri_path.substr(0, last);
}

bool path_match(std::string_view request_path, std::string_view cookie_path) noexcept {
    if (request_path == cookie_path) return true;
    if (!request_path.starts_with(cookie_path) || cookie_path.empty()) return false;
    // "/docs" matches "/docs/" and "/docs/x" but not "/docsearch".
    return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}

}  // namespace wire::http::detail
