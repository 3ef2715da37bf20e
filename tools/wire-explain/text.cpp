#include "tools/wire-explain/text.hpp"

#include <cstdio>

namespace wire::tools {
namespace {
constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::string hex_byte(std::uint8_t b) {
    return {kHex[b >> 4], kHex[b & 0xF]};
}

std::string hex_bytes(std::span<const std::uint8_t> bytes) {
    std::string s;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i > 0) s += ' ';
        s += hex_byte(bytes[i]);
    }
    return s;
}

std::string bits(std::uint8_t b) {
    std::string s;
    for (int i = 7; i >= 0; --i) {
        s += ((b >> i) & 1) ? '1' : '0';
        if (i == 4) s += ' ';
    }
    return s;
}

std::string hex_word(std::uint32_t w) {
    std::string s(8, '0');
    for (int i = 7; i >= 0; --i, w >>= 4)
        s[static_cast<std::size_t>(i)] = kHex[w & 0xF];
    return s;
}

char printable(std::uint8_t b) {
    return b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '.';
}

std::string escape(std::string_view s, std::size_t* column) {
    const std::size_t target = column != nullptr ? *column : s.size();
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (column != nullptr && i == target) *column = out.size();
        const auto c = static_cast<std::uint8_t>(s[i]);
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7F) {
            out += "\\x";
            out += hex_byte(c);
        } else {
            out += static_cast<char>(c);
        }
    }
    if (column != nullptr && target >= s.size()) *column = out.size();
    return out;
}

HexParse parse_hex(std::span<const std::string_view> args) {
    // Join the arguments, then split into tokens at separators, dropping "0x" / "\x" prefixes.
    std::string joined;
    for (std::string_view a : args) {
        joined += a;
        joined += ' ';
    }
    HexParse r;
    std::string token;
    const auto flush = [&r, &token]() -> bool {
        if (token.size() == 1) token.insert(0, 1, '0');  // "0x5" or "5" means 05
        if (token.size() % 2 != 0) {
            r.error = "\"" + token + "\" has an odd number of hex digits";
            return false;
        }
        for (std::size_t i = 0; i < token.size(); i += 2) {
            r.bytes.push_back(
                static_cast<std::uint8_t>(hex_value(token[i]) * 16 + hex_value(token[i + 1])));
        }
        token.clear();
        return true;
    };
    for (std::size_t i = 0; i < joined.size(); ++i) {
        const char c = joined[i];
        const bool prefix = (c == '0' || c == '\\') && i + 1 < joined.size() &&
                            (joined[i + 1] == 'x' || joined[i + 1] == 'X');
        if (prefix) {
            if (!flush()) return r;
            ++i;
        } else if (c == ' ' || c == ',' || c == ':' || c == '\n' || c == '\t') {
            if (!flush()) return r;
        } else if (hex_value(c) < 0) {
            r.error = "'" + std::string(1, c) + "' is not a hex digit";
            return r;
        } else {
            token += c;
        }
    }
    return r;
}

}  // namespace wire::tools
