#include "http/url.hpp"

#include "http/detail/chars.hpp"
#include "http/error.hpp"

namespace wire::http {
namespace {

using detail::is_alpha;
using detail::is_digit;

bool is_sub_delim(char c) {
    return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' ||
           c == '+' || c == ',' || c == ';' || c == '=';
}

// Checks `s` against a component's characters: unreserved, pct-encoded, sub-delims and the
// component's `extra` ones (RFC 3986 §3.2-§3.5).
std::error_code check_component(std::string_view s, std::string_view extra) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '%') {
            // pct-encoded = "%" HEXDIG HEXDIG (RFC 3986 §2.1)
            if (s.size() - i < 3 || !detail::is_hex(s[i + 1]) || !detail::is_hex(s[i + 2])) {
                return Error::bad_percent_encoding;
            }
            i += 2;
            continue;
        }
        if (detail::is_unreserved(c) || is_sub_delim(c) ||
            extra.find(c) != std::string_view::npos) {
            continue;
        }
        return Error::bad_url;
    }
    return {};
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )   (RFC 3986 §3.1)
std::size_t scheme_length(std::string_view s) noexcept {
    if (s.empty() || !is_alpha(static_cast<unsigned char>(s[0]))) return 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == ':') return i;
        if (!is_alpha(static_cast<unsigned char>(c)) && !is_digit(static_cast<unsigned char>(c)) &&
            c != '+' && c != '-' && c != '.') {
            return 0;
        }
    }
    return 0;
}

// authority = [ userinfo "@" ] host [ ":" port ]   (RFC 3986 §3.2)
std::error_code parse_authority(std::string_view a, UrlView& out) noexcept {
    const std::size_t at = a.rfind('@');
    if (at != std::string_view::npos) {
        out.userinfo = a.substr(0, at);
        if (auto ec = check_component(out.userinfo, ":")) return ec;
        a.remove_prefix(at + 1);
    }
    std::size_t host_end = 0;
    if (!a.empty() && a[0] == '[') {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]"  (RFC 3986 §3.2.2)
        host_end = a.find(']');
        if (host_end == std::string_view::npos) return Error::bad_url;
        ++host_end;
        if (auto ec = check_component(a.substr(1, host_end - 2), ":")) return Error::bad_url;
    } else {
        host_end = a.find(':');
        if (host_end == std::string_view::npos) host_end = a.size();
        if (auto ec = check_component(a.substr(0, host_end), "")) return ec;
    }
    out.host = a.substr(0, host_end);
    a.remove_prefix(host_end);
    if (!a.empty()) {
        // port = *DIGIT, after ":"
        if (a[0] != ':') return Error::bad_url;
        out.port = a.substr(1);
        for (char c : out.port) {
            if (!is_digit(static_cast<unsigned char>(c))) return Error::bad_url;
        }
    }
    return {};
}

// The path, query and fragment that follow the authority (or start a relative reference).
std::error_code parse_path_query(std::string_view s, UrlView& out) noexcept {
    const std::size_t hash = s.find('#');
    if (hash != std::string_view::npos) {
        out.has_fragment = true;
        out.fragment = s.substr(hash + 1);
        if (auto ec = check_component(out.fragment, ":@/?")) return ec;
        s = s.substr(0, hash);
    }
    const std::size_t q = s.find('?');
    if (q != std::string_view::npos) {
        out.has_query = true;
        out.query = s.substr(q + 1);
        if (auto ec = check_component(out.query, ":@/?")) return ec;
        s = s.substr(0, q);
    }
    out.path = s;
    // path = *( pchar / "/" ), pchar = unreserved / pct-encoded / sub-delims / ":" / "@"
    return check_component(out.path, ":@/");
}

}  // namespace

std::error_code parse_url(std::string_view text, UrlView& out) noexcept {
    out = UrlView{};
    const std::size_t scheme_len = scheme_length(text);
    if (scheme_len > 0) {
        out.scheme = text.substr(0, scheme_len);
        text.remove_prefix(scheme_len + 1);
    }
    if (text.substr(0, 2) == "//") {
        text.remove_prefix(2);
        const std::size_t end = text.find_first_of("/?#");
        const std::string_view authority = text.substr(0, end);
        out.has_authority = true;
        if (auto ec = parse_authority(authority, out)) return ec;
        text.remove_prefix(authority.size());
    } else if (scheme_len == 0) {
        // RFC 3986 §4.2: in a relative reference the first segment may not hold ":"
        // (it would read as a scheme).
        const std::size_t colon = text.find(':');
        if (colon != std::string_view::npos && colon < text.find_first_of("/?#"))
            return Error::bad_url;
    }
    return parse_path_query(text, out);
}

std::error_code parse_request_target(std::string_view method, std::string_view target,
                                     RequestTarget& out) noexcept {
    out = RequestTarget{};
    if (target.empty()) return Error::bad_url;
    const bool connect = method == "CONNECT";
    if (connect) {
        // RFC 9112 §3.2.3: authority-form = uri-host ":" port, and only for CONNECT.
        out.form = TargetForm::authority;
        if (target[0] == '/' || target.find_first_of("/?#@") != std::string_view::npos) {
            return Error::bad_url;
        }
        if (auto ec = parse_authority(target, out.url)) return ec;
        out.url.has_authority = true;
        return out.url.port.empty() || out.url.host.empty() ? std::error_code(Error::bad_url)
                                                            : std::error_code();
    }
    if (target == "*") {
        // RFC 9112 §3.2.4: asterisk-form is only used for a server-wide OPTIONS request.
        out.form = TargetForm::asterisk;
        return method == "OPTIONS" ? std::error_code() : std::error_code(Error::bad_url);
    }
    if (target[0] == '/') {
        // RFC 9112 §3.2.1: origin-form = absolute-path [ "?" query ]; "//x" is a path here,
        // not an authority.
        out.form = TargetForm::origin;
        if (target.find('#') != std::string_view::npos) return Error::bad_url;
        return parse_path_query(target, out.url);
    }
    // RFC 9112 §3.2.2: absolute-form = absolute-URI (a scheme, no fragment). We also require
    // an authority with a host, as http and https URIs do (RFC 9110 §4.2): "example.com:80"
    // would otherwise read as scheme "example.com".
    out.form = TargetForm::absolute;
    if (auto ec = parse_url(target, out.url)) return ec;
    if (out.url.scheme.empty() || out.url.has_fragment || !out.url.has_authority ||
        out.url.host.empty()) {
        return Error::bad_url;
    }
    return {};
}

}  // namespace wire::http
