#include "http/percent.hpp"

#include "http/detail/chars.hpp"
#include "http/error.hpp"

namespace wire::http {
namespace {

// Whether `c` may stay literal in `mode`. Like Go's shouldEscape: unreserved always;
// in a path also sub-delims, ":" and "@" (pchar) and "/" (unless one segment).
bool keep_literal(char c, Escape mode) {
    if (detail::is_unreserved(c)) return true;
    switch (mode) {
        case Escape::path:
            return c == '/' || c == ':' || c == '@' || c == '&' || c == '=' || c == '+' ||
                   c == '$' || c == ',' || c == ';';
        case Escape::path_segment:
            return c == ':' || c == '@' || c == '&' || c == '=' || c == '+' || c == '$';
        case Escape::query:
            return false;
    }
    return false;
}

}  // namespace

std::error_code percent_decode(std::string_view in, std::string& out, Escape mode) {
    const std::size_t start = out.size();
    out.append(in);
    const long n = percent_decode_in_place(out.data() + start, in.size(), mode == Escape::query);
    if (n < 0) {
        out.resize(start);
        return Error::bad_percent_encoding;
    }
    out.resize(start + static_cast<std::size_t>(n));
    return {};
}

long percent_decode_in_place(char* data, std::size_t size, bool plus_is_space) noexcept {
    std::size_t w = 0;
    for (std::size_t r = 0; r < size; ++r, ++w) {
        char c = data[r];
        if (c == '%') {
            // pct-encoded = "%" HEXDIG HEXDIG  (RFC 3986 §2.1)
            if (size - r < 3) return -1;
            if (!detail::is_hex(data[r + 1]) || !detail::is_hex(data[r + 2])) return -1;
            c = static_cast<char>(detail::hex_value(data[r + 1]) * 16 +
                                  detail::hex_value(data[r + 2]));
            r += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        data[w] = c;
    }
    return static_cast<long>(w);
}

std::string percent_encode(std::string_view in, Escape mode) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        if (keep_literal(c, mode)) {
            out.push_back(c);
        } else if (c == ' ' && mode == Escape::query) {
            out.push_back('+');
        } else {
            const auto u = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
        }
    }
    return out;
}

}  // namespace wire::http
