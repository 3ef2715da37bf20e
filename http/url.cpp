#include "http/url.hpp"

#include "http/detail/chars.hpp"
#include "http/error.hpp"
#include "http/percent.hpp"

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

// ---- Url: the owning, decoded form (Go's url.URL).

namespace {

// Copies the components of `v` into `out`, decoding the path and the fragment. A path that
// does not decode is an error here (Go's url.Parse refuses it too).
std::error_code fill_url(const UrlView& v, Url& out) {
    out = Url{};
    out.scheme.assign(v.scheme);
    out.user.assign(v.userinfo);
    out.host.assign(v.host);
    if (!v.port.empty()) out.host.append(":").append(v.port);
    out.raw_path.assign(v.path);
    out.raw_query.assign(v.query);
    out.force_query = v.has_query && v.query.empty();
    if (auto ec = percent_decode(v.path, out.path)) return ec;
    if (auto ec = percent_decode(v.fragment, out.fragment)) return ec;
    return {};
}

}  // namespace

std::error_code parse_url(std::string_view text, Url& out) {
    UrlView v;
    std::error_code ec = parse_url(text, v);
    if (!ec) ec = fill_url(v, out);
    if (ec) out = Url{};
    return ec;
}

std::error_code parse_request_uri(std::string_view method, std::string_view target, Url& out) {
    RequestTarget t;
    std::error_code ec = parse_request_target(method, target, t);
    if (!ec) ec = fill_url(t.url, out);
    if (ec) {
        out = Url{};
        return ec;
    }
    if (t.form == TargetForm::asterisk) out.path = out.raw_path = "*";
    return {};
}

Values Url::query() const {
    Values v;
    (void)parse_query(raw_query, v);  // as Go's Query: malformed pairs are dropped silently
    return v;
}

std::string Url::escaped_path() const {
    return raw_path.empty() ? percent_encode(path, Escape::path) : raw_path;
}

std::string Url::request_uri() const {
    std::string out = escaped_path();
    if (out.empty()) out = "/";
    if (force_query || !raw_query.empty()) out.append("?").append(raw_query);
    return out;
}

std::string Url::string() const {
    std::string out;
    if (!scheme.empty()) out.append(scheme).append(":");
    const std::string p = escaped_path();
    // why: a path starting "//" would read back as an authority, so an empty one is written.
    if (!host.empty() || !user.empty() || p.starts_with("//")) {
        out.append("//");
        if (!user.empty()) out.append(user).append("@");
        out.append(host);
    }
    // RFC 3986 §3.3: with an authority the path is empty or begins with "/".
    if (!host.empty() && !p.empty() && p[0] != '/') out.push_back('/');
    out.append(p);
    if (force_query || !raw_query.empty()) out.append("?").append(raw_query);
    if (!fragment.empty()) out.append("#").append(percent_encode(fragment, Escape::path));
    return out;
}

std::string_view Url::hostname() const noexcept {
    std::string_view h = host;
    if (!h.empty() && h[0] == '[') {
        const std::size_t close = h.find(']');
        return close == std::string_view::npos ? h.substr(1) : h.substr(1, close - 1);
    }
    return h.substr(0, h.find(':'));
}

std::string_view Url::port() const noexcept {
    std::string_view h = host;
    const std::size_t close = h.rfind(']');
    const std::size_t colon = h.rfind(':');
    if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close))
        return {};
    return h.substr(colon + 1);
}

}  // namespace wire::http
