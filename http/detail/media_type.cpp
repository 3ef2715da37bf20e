#include "http/detail/media_type.hpp"

#include "http/detail/chars.hpp"

namespace wire::http::detail {
namespace {

bool is_token_char(char c) {
    return is_token(c);
}

void skip_ows(std::string_view& s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
}

std::string_view take_token(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && is_token_char(s[n]))
        ++n;
    const std::string_view t = s.substr(0, n);
    s.remove_prefix(n);
    return t;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

//   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE        (RFC 9110 §5.6.4)
//   qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
bool take_quoted(std::string_view& s, std::string& out) {
    s.remove_prefix(1);  // the opening DQUOTE
    while (!s.empty()) {
        const char c = s.front();
        const auto u = static_cast<unsigned char>(c);
        s.remove_prefix(1);
        if (c == '"') return true;
        if (c == '\\') {
            if (s.empty()) return false;
            const auto e = static_cast<unsigned char>(s.front());
            // Why: only HTAB, SP, VCHAR and obs-text may be escaped.
            if (e != '\t' && (e < 0x20 || e == 0x7f)) return false;
            out += s.front();
            s.remove_prefix(1);
            continue;
        }
        // Why: control characters (but HTAB) are not qdtext.
        if (c != '\t' && (u < 0x20 || u == 0x7f)) return false;
        out += c;
    }
    return false;  // no closing quote
}

bool parse_type(std::string_view& s, MediaType& out, bool allow_bare_type) {
    const std::string_view type = take_token(s);
    if (type.empty()) return false;
    out.type = lower(type);
    if (!s.empty() && s.front() == '/') {
        s.remove_prefix(1);
        const std::string_view sub = take_token(s);
        if (sub.empty()) return false;
        out.type += '/';
        out.type += lower(sub);
        return true;
    }
    return allow_bare_type;
}

}  // namespace

std::string_view MediaType::param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params) {
        if (k == name) return v;
    }
    return {};
}

bool MediaType::has_param(std::string_view name) const noexcept {
    for (const auto& kv : params) {
        if (kv.first == name) return true;
    }
    return false;
}

bool parse_media_type(std::string_view value, MediaType& out, bool allow_bare_type) {
    out = {};
    skip_ows(value);
    if (!parse_type(value, out, allow_bare_type)) return false;
    while (true) {
        skip_ows(value);
        if (value.empty()) return true;
        // Why: parameters are introduced by ";" and nothing else.
        if (value.front() != ';') return false;
        value.remove_prefix(1);
        skip_ows(value);
        if (value.empty() || value.front() == ';') continue;  // empty parameter
        const std::string_view name = take_token(value);
        // Why: a parameter is name "=" value with no whitespace around "=" (RFC 9110 §5.6.6).
        if (name.empty() || value.empty() || value.front() != '=') return false;
        value.remove_prefix(1);
        std::string v;
        if (!value.empty() && value.front() == '"') {
            if (!take_quoted(value, v)) return false;
        } else {
            v = take_token(value);
            if (v.empty()) return false;
        }
        std::string key = lower(name);
        // Why: a repeated parameter leaves the meaning ambiguous between recipients.
        if (out.has_param(key)) return false;
        out.params.emplace_back(std::move(key), std::move(v));
    }
}

std::string multipart_boundary(std::string_view content_type) {
    MediaType mt;
    if (!parse_media_type(content_type, mt)) return {};
    if (mt.type.rfind("multipart/", 0) != 0) return {};
    std::string b(mt.param("boundary"));
    // RFC 2046 §5.1.1: boundary := 0*69<bchars> bcharsnospace, so 1..70 and no final space.
    //   bchars := bcharsnospace / " "
    //   bcharsnospace := DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" /
    //                    ":" / "=" / "?"
    if (b.empty() || b.size() > 70 || b.back() == ' ') return {};
    for (char c : b) {
        const auto u = static_cast<unsigned char>(c);
        if (!is_alpha(u) && !is_digit(u) && !is_in(u, "'()+_,-./:=? ")) return {};
    }
    return b;
}

}  // namespace wire::http::detail
