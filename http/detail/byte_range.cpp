#include "http/detail/byte_range.hpp"
#include "http/detail/chars.hpp"

#include <charconv>
#include <limits>

namespace wire::http::detail {
namespace {

bool ascii_iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i] | 0x20);
        if (x != static_cast<unsigned char>(b[i] | 0x20)) return false;
    }
    return true;
}

// 1*DIGIT into `n`; false for an empty string, a non-digit or a value past 2^64-1.
bool parse_digits(std::string_view s, std::uint64_t& n) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    return ec == std::errc{} && end == s.data() + s.size();
}

enum class Spec : std::uint8_t { ok, skip, bad };

// One range-spec against `size`; on ok, `r` is the clipped range.
Spec parse_spec(std::string_view spec, std::uint64_t size, ByteRange& r) {
    const std::size_t dash = spec.find('-');
    // Why: every range-spec has exactly one "-" (other-range is for other units).
    if (dash == std::string_view::npos) return Spec::bad;
    const std::string_view first = spec.substr(0, dash), last = spec.substr(dash + 1);
    if (first.empty()) {
        // suffix-range: the last suffix-length bytes (RFC 9110 §14.1.1).
        std::uint64_t n = 0;
        if (!parse_digits(last, n)) return Spec::bad;
        // Why: a zero-length suffix, or any suffix of an empty body, selects nothing.
        if (n == 0 || size == 0) return Spec::skip;
        if (n > size) n = size;
        r = {size - n, n};
        return Spec::ok;
    }
    std::uint64_t a = 0, b = std::numeric_limits<std::uint64_t>::max();
    if (!parse_digits(first, a)) return Spec::bad;
    if (!last.empty() && !parse_digits(last, b)) return Spec::bad;
    // Why: RFC 9110 §14.1.1 "invalid if the last-pos value is less than the first-pos".
    if (b < a) return Spec::bad;
    // Why: a first-pos at or past the end is unsatisfiable (§14.1.1).
    if (a >= size) return Spec::skip;
    if (b >= size) b = size - 1;
    r = {a, b - a + 1};
    return Spec::ok;
}

}  // namespace

RangeStatus parse_range(std::string_view value, std::uint64_t size, std::vector<ByteRange>& out) {
    out.clear();
    value = trim_ows(value);
    if (value.empty()) return RangeStatus::ignore;
    const std::size_t eq = value.find('=');
    if (eq == std::string_view::npos) return RangeStatus::malformed;
    // RFC 9110 §14.2: a range unit the server does not understand is ignored.
    if (!ascii_iequal(trim_ows(value.substr(0, eq)), "bytes")) return RangeStatus::ignore;

    std::string_view set = value.substr(eq + 1);
    std::size_t specs = 0;
    std::uint64_t total = 0;
    bool any = false;
    while (true) {
        const std::size_t comma = set.find(',');
        const std::string_view spec = trim_ows(set.substr(0, comma));
        // RFC 9110 §5.6.1: empty list elements are allowed and do not count.
        if (!spec.empty()) {
            any = true;
            if (++specs > kMaxRanges) {
                out.clear();
                return RangeStatus::ignore;
            }
            ByteRange r;
            switch (parse_spec(spec, size, r)) {
                case Spec::bad:
                    out.clear();
                    return RangeStatus::malformed;
                case Spec::skip:
                    break;
                case Spec::ok:
                    total += r.length;
                    out.push_back(r);
                    break;
            }
        }
        if (comma == std::string_view::npos) break;
        set.remove_prefix(comma + 1);
    }
    // Why: range-set = 1#range-spec, at least one.
    if (!any) return RangeStatus::malformed;
    if (out.empty()) return RangeStatus::unsatisfiable;
    // Why: overlapping ranges adding up to more than the body amplify the response; send it
    // once instead (RFC 9110 §14.2, Go's serveContent does the same).
    if (total > size) {
        out.clear();
        return RangeStatus::ignore;
    }
    return RangeStatus::satisfiable;
}

std::string content_range(const ByteRange& r, std::uint64_t size) {
    std::string s = "bytes ";
    s += std::to_string(r.start);
    s += '-';
    s += std::to_string(r.start + r.length - 1);
    s += '/';
    s += std::to_string(size);
    return s;
}

std::string content_range_unsatisfied(std::uint64_t size) {
    return "bytes */" + std::to_string(size);
}

ByterangesLayout layout_byteranges(std::span<const ByteRange> ranges, std::uint64_t size,
                                   std::string_view content_type, std::string_view boundary) {
    ByterangesLayout layout;
    layout.part_heads.reserve(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter; the first one
        // has no body before it, so it needs none.
        std::string head = i == 0 ? "--" : "\r\n--";
        head += boundary;
        head += "\r\n";
        if (!content_type.empty()) {
            head += "Content-Type: ";
            head += content_type;
            head += "\r\n";
        }
        head += "Content-Range: ";
        head += content_range(ranges[i], size);
        head += "\r\n\r\n";
        layout.content_length += head.size() + ranges[i].length;
        layout.part_heads.push_back(std::move(head));
    }
    layout.tail = "\r\n--";
    layout.tail += boundary;
    layout.tail += "--\r\n";
    layout.content_length += layout.tail.size();
    return layout;
}

}  // namespace wire::http::detail
