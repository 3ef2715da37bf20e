#include "http/cookie.hpp"

#include <charconv>

#include "http/date.hpp"
#include "http/detail/chars.hpp"

namespace wire::http {
namespace {

// cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E  (RFC 6265 §4.1.1): US-ASCII
// without controls, whitespace, DQUOTE, comma, semicolon and backslash.
bool is_cookie_octet(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!detail::is_token(c)) return false;
    }
    return true;
}

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    }
    return true;
}

// cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ); false if it is neither.
// Deviation, as Go's validCookieValueByte: a space and a comma are accepted inside a value,
// since real user agents send them and Go's own format_set_cookie quotes them.
bool parse_cookie_value(std::string_view v, std::string& out, bool& quoted) {
    quoted = v.size() >= 2 && v.front() == '"' && v.back() == '"';
    if (quoted) v = v.substr(1, v.size() - 2);
    for (char c : v) {
        if (!is_cookie_octet(c) && c != ' ' && c != ',') return false;
    }
    out = v;
    return true;
}

// A domain name or IP address that a Domain attribute may carry (Go's isCookieDomainName,
// simplified): letters, digits, "-" and "." in labels of 1..63, no empty label.
bool valid_domain(std::string_view d) {
    if (!d.empty() && d.front() == '.') d.remove_prefix(1);
    if (d.empty() || d.size() > 255) return false;
    std::size_t label = 0;
    for (char c : d) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        if (!detail::is_alpha(u) && !detail::is_digit(u) && c != '-' && c != '_') return false;
        if (++label > 63) return false;
    }
    return label > 0;
}

std::string sanitized_value(const Cookie& c) {
    std::string v;
    for (char ch : c.value) {
        if (is_cookie_octet(ch) || ch == ' ' || ch == ',') v += ch;
    }
    // Go quotes values with a space or a comma, which are not cookie-octets but common.
    if (c.quoted || v.find_first_of(" ,") != std::string::npos) return '"' + v + '"';
    return v;
}

void apply_attribute(std::string_view name, std::string_view value, Cookie& c) {
    if (iequal(name, "Expires")) {
        // RFC 6265 §5.2.1: a date that does not parse is ignored.
        if (auto t = parse_http_date(value)) c.expires = *t;
    } else if (iequal(name, "Max-Age")) {
        // RFC 6265 §5.2.2: max-age-av = "Max-Age=" non-zero-digit *DIGIT, "-" allowed when
        // parsing; zero or less means "expire now".
        long n = 0;
        const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
        if (r.ec != std::errc{} || r.ptr != value.data() + value.size()) return;
        c.max_age = n <= 0 ? -1 : n;
    } else if (iequal(name, "Domain")) {
        // RFC 6265 §5.2.3: a leading "." is ignored; the domain is compared in lower case.
        if (!value.empty() && value.front() == '.') value.remove_prefix(1);
        c.domain = value;
        for (char& ch : c.domain)
            ch = static_cast<char>(ch | (ch >= 'A' && ch <= 'Z' ? 0x20 : 0));
    } else if (iequal(name, "Path")) {
        // RFC 6265 §5.2.4: a path not starting with "/" means the default path.
        if (!value.empty() && value.front() == '/') c.path = value;
    } else if (iequal(name, "Secure")) {
        c.secure = true;
    } else if (iequal(name, "HttpOnly")) {
        c.http_only = true;
    } else if (iequal(name, "SameSite")) {
        if (iequal(value, "Lax"))
            c.same_site = SameSite::lax;
        else if (iequal(value, "Strict"))
            c.same_site = SameSite::strict;
        else if (iequal(value, "None"))
            c.same_site = SameSite::none;
    }
}

}  // namespace

std::vector<Cookie> parse_cookie_header(std::string_view header, std::string_view only_name) {
    std::vector<Cookie> out;
    while (!header.empty()) {
        const std::size_t semi = header.find(';');
        const std::string_view part = detail::trim_ows(header.substr(0, semi));
        header.remove_prefix(semi == std::string_view::npos ? header.size() : semi + 1);
        const std::size_t eq = part.find('=');
        // Why: a cookie-pair is cookie-name "=" cookie-value (RFC 6265 §4.2.1).
        if (eq == std::string_view::npos) continue;
        Cookie c;
        const std::string_view name = part.substr(0, eq);
        if (!is_token(name)) continue;
        if (!only_name.empty() && name != only_name) continue;
        if (!parse_cookie_value(part.substr(eq + 1), c.value, c.quoted)) continue;
        c.name = name;
        out.push_back(std::move(c));
    }
    return out;
}

std::string format_cookie_header(std::span<const Cookie> cookies) {
    std::string out;
    for (const Cookie& c : cookies) {
        if (!is_token(c.name)) continue;
        if (!out.empty()) out += "; ";
        out += c.name;
        out += '=';
        out += sanitized_value(c);
    }
    return out;
}

std::string format_set_cookie(const Cookie& c) {
    if (!is_token(c.name)) return {};
    std::string out = c.name + "=" + sanitized_value(c);
    if (!c.path.empty()) {
        out += "; Path=";
        for (char ch : c.path) {
            // Why: ";" would end the attribute and controls would corrupt the field line.
            const auto u = static_cast<unsigned char>(ch);
            if (ch != ';' && u >= 0x20 && u != 0x7f) out += ch;
        }
    }
    if (!c.domain.empty() && valid_domain(c.domain)) {
        out += "; Domain=";
        out += c.domain.front() == '.' ? std::string_view(c.domain).substr(1) : c.domain;
    }
    if (c.expires) {
        char date[kHttpDateSize];
        format_http_date(*c.expires, date);
        out += "; Expires=";
        out.append(date, kHttpDateSize);
    }
    if (c.max_age > 0) {
        out += "; Max-Age=" + std::to_string(c.max_age);
    } else if (c.max_age < 0) {
        out += "; Max-Age=0";
    }
    if (c.http_only) out += "; HttpOnly";
    if (c.secure) out += "; Secure";
    switch (c.same_site) {
        case SameSite::unset:
            break;
        case SameSite::lax:
            out += "; SameSite=Lax";
            break;
        case SameSite::strict:
            out += "; SameSite=Strict";
            break;
        case SameSite::none:
            out += "; SameSite=None";
            break;
    }
    return out;
}

bool parse_set_cookie(std::string_view value, Cookie& out) {
    out = Cookie{};
    const std::size_t semi = value.find(';');
    const std::string_view pair = value.substr(0, semi);
    const std::size_t eq = pair.find('=');
    // RFC 6265 §5.2 steps 2-5: no "=" or an empty name: ignore the whole Set-Cookie.
    if (eq == std::string_view::npos) return false;
    const std::string_view name = detail::trim_ows(pair.substr(0, eq));
    if (!is_token(name)) return false;
    if (!parse_cookie_value(detail::trim_ows(pair.substr(eq + 1)), out.value, out.quoted))
        return false;
    out.name = name;
    std::string_view attrs = semi == std::string_view::npos ? "" : value.substr(semi + 1);
    while (!attrs.empty()) {
        const std::size_t next = attrs.find(';');
        const std::string_view av = attrs.substr(0, next);
        attrs.remove_prefix(next == std::string_view::npos ? attrs.size() : next + 1);
        const std::size_t aeq = av.find('=');
        const std::string_view an = detail::trim_ows(av.substr(0, aeq));
        const std::string_view aval =
            aeq == std::string_view::npos ? "" : detail::trim_ows(av.substr(aeq + 1));
        apply_attribute(an, aval, out);
    }
    return true;
}

}  // namespace wire::http
