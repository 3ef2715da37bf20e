#include "redis/resp_cursor.hpp"

#include <algorithm>

#include "redis/resp_reader.hpp"

namespace wire::redis {
namespace {

std::string_view view(std::span<const std::uint8_t> s) noexcept {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace

bool RespCursor::next(Value& v) noexcept {
    if (pos_ >= bytes_.size()) return false;
    Type t;
    if (!type_of(bytes_[pos_], t)) return false;
    const auto* begin = bytes_.data() + pos_ + 1;
    const auto* end = bytes_.data() + bytes_.size();
    const auto* cr = std::find(begin, end, '\r');
    if (cr == end || cr + 1 == end) return false;
    const std::span<const std::uint8_t> line(begin, static_cast<std::size_t>(cr - begin));
    std::size_t next = static_cast<std::size_t>(cr - bytes_.data()) + 2;
    v = Value{};
    v.type = t;
    std::int64_t n = 0;
    if (is_bulk(t)) {
        if (!parse_integer(line, n)) return false;
        if (n < 0) {
            v.is_null = true;
        } else {
            const auto len = static_cast<std::size_t>(n);
            if (len > bytes_.size() - next || bytes_.size() - next - len < 2) return false;
            v.text = view(bytes_.subspan(next, len));
            if (t == Type::verbatim && len >= 4) {
                v.format = v.text.substr(0, 3);
                v.text.remove_prefix(4);
            }
            next += len + 2;
        }
    } else if (is_aggregate(t)) {
        if (!parse_integer(line, n)) return false;
        if (n < 0) {
            v.is_null = true;
        } else {
            const bool pairs = t == Type::map || t == Type::attribute;
            v.size = static_cast<std::uint64_t>(n) * (pairs ? 2 : 1);
        }
    } else {
        v.text = view(line);
        if (t == Type::integer && !parse_integer(line, v.integer)) return false;
        if (t == Type::boolean) v.integer = (v.text == "t") ? 1 : 0;
        if (t == Type::null) v.is_null = true;
    }
    pos_ = next;
    return true;
}

bool RespCursor::skip(const Value& v) noexcept {
    std::uint64_t left = v.size;
    Value x;
    while (left > 0) {
        if (!next(x)) return false;
        // An attribute is no element: its pairs are owed on top, and the value it annotates is
        // still the element.
        if (x.type != Type::attribute) --left;
        left += x.size;
    }
    return true;
}

bool RespCursor::next_data(Value& v) noexcept {
    for (;;) {
        if (!next(v)) return false;
        if (v.type != Type::attribute) return true;
        if (!skip(v)) return false;
    }
}

}  // namespace wire::redis
