#include "http/detail/route_escape.hpp"

namespace wire::http::detail {
namespace {

// HEXDIG value, or -1 (RFC 5234 appendix B.1; RFC 3986 §2.1 allows either case).
int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes the escape at raw[i] ('%' known); returns the byte value or -1 when malformed.
int decode_at(std::string_view raw, std::size_t i) noexcept {
    if (raw.size() - i < 3) return -1;  // "%" needs two HEXDIG after it
    const int hi = hex_value(raw[i + 1]);
    const int lo = hex_value(raw[i + 2]);
    return (hi < 0 || lo < 0) ? -1 : hi * 16 + lo;
}

}  // namespace

bool valid_escapes(std::string_view raw) noexcept {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') continue;
        if (decode_at(raw, i) < 0) return false;
        i += 2;
    }
    return true;
}

void append_unescaped(std::string_view raw, std::string& out) {
    // Go's rule: a malformed escape means the segment is taken literally, not half-decoded.
    if (raw.find('%') == std::string_view::npos || !valid_escapes(raw)) {
        out.append(raw);
        return;
    }
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%') {
            out.push_back(static_cast<char>(decode_at(raw, i)));
            i += 2;
        } else {
            out.push_back(raw[i]);
        }
    }
}

std::string_view decode_segment(std::string_view raw, std::span<char> scratch) noexcept {
    if (raw.find('%') == std::string_view::npos || !valid_escapes(raw)) return raw;
    std::size_t n = 0;
    for (std::size_t i = 0; i < raw.size() && n < scratch.size(); ++i, ++n) {
        if (raw[i] == '%') {
            scratch[n] = static_cast<char>(decode_at(raw, i));
            i += 2;
        } else {
            scratch[n] = raw[i];
        }
    }
    return {scratch.data(), n};
}

bool unescaped_equals(std::string_view raw, std::string_view literal) noexcept {
    if (!valid_escapes(raw)) return raw == literal;
    std::size_t j = 0;
    for (std::size_t i = 0; i < raw.size(); ++i, ++j) {
        if (j == literal.size()) return false;
        char c = raw[i];
        if (c == '%') {
            c = static_cast<char>(decode_at(raw, i));
            i += 2;
        }
        if (c != literal[j]) return false;
    }
    return j == literal.size();
}

}  // namespace wire::http::detail
