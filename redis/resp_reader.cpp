#include "redis/resp_reader.hpp"

#include <algorithm>
#include <limits>

namespace wire::redis {
namespace {

bool is_digit(std::uint8_t c) noexcept {
    return c >= '0' && c <= '9';
}

// [+-]digits, the RESP3 big number (any length).
bool is_big_number(std::span<const std::uint8_t> s) noexcept {
    std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i) {
        if (!is_digit(s[i])) return false;
    }
    return true;
}

bool equals(std::span<const std::uint8_t> s, const char* lit) noexcept {
    std::size_t i = 0;
    for (; lit[i] != '\0'; ++i) {
        if (i >= s.size() || s[i] != static_cast<std::uint8_t>(lit[i])) return false;
    }
    return i == s.size();
}

// RESP3 double: [+-]? 1*DIGIT [ "." 1*DIGIT ] [ ("e"/"E") [+-]? 1*DIGIT ], or inf, -inf, nan.
bool is_double(std::span<const std::uint8_t> s) noexcept {
    if (equals(s, "inf") || equals(s, "-inf") || equals(s, "nan")) return true;
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t from = i;
        while (i < s.size() && is_digit(s[i]))
            ++i;
        return i > from;
    };
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size();
}

}  // namespace

bool parse_integer(std::span<const std::uint8_t> s, std::int64_t& out) noexcept {
    const bool negative = !s.empty() && s[0] == '-';
    std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i == s.size()) return false;
    // Accumulate as unsigned so that INT64_MIN's magnitude still fits.
    const std::uint64_t max =
        negative ? std::uint64_t{1} << 63 : std::uint64_t(std::numeric_limits<std::int64_t>::max());
    std::uint64_t v = 0;
    for (; i < s.size(); ++i) {
        if (!is_digit(s[i])) return false;
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        if (v > (max - d) / 10) return false;  // would pass 64 bits
        v = v * 10 + d;
    }
    out = negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
    return true;
}

RespReader::RespReader(const Limits& limits) noexcept : limits_(limits) {
    limits_.max_depth = std::min(limits_.max_depth, max_depth);
}

void RespReader::reset() noexcept {
    pos_ = bulk_from_ = bulk_end_ = need_ = depth_ = 0;
    failed_ = false;
}

ReadResult RespReader::fail(Error e, std::size_t at) noexcept {
    failed_ = true;
    error_ = e;
    error_at_ = at;
    return {Outcome::error, 0, first_, e, at};
}

ReadResult RespReader::more(std::size_t need) noexcept {
    need_ = need;
    return {};
}

ReadResult RespReader::read(std::span<const std::uint8_t> b) noexcept {
    if (failed_) return {Outcome::error, 0, first_, error_, error_at_};
    if (depth_ == 0) {  // a new reply: one value owed at the top
        pos_ = 0;
        open_[0] = {1, false};
        depth_ = 1;
    }
    for (;;) {
        bool finished = false;
        const ReadResult r = step(b, finished);
        if (!r.done()) return r;
        if (finished) {
            const ReadResult out{Outcome::done, pos_, first_, {}, 0};
            pos_ = need_ = 0;
            return out;
        }
    }
}

// One value's header, or the end of a bulk string. `done` here means "go on"; `finished` says
// the reply is complete.
ReadResult RespReader::step(std::span<const std::uint8_t> b, bool& finished) noexcept {
    if (bulk_end_ != 0) return end_bulk(b, finished);
    if (pos_ >= b.size()) return more(pos_ + 1);
    Type t;
    // Every value starts with its type byte.
    if (!type_of(b[pos_], t)) return fail(Error::bad_type, pos_);
    if (pos_ == 0) first_ = t;
    Line line{};
    if (ReadResult r = find_line(b, line); !r.done()) return r;
    if (is_bulk(t)) return start_bulk(t, b, line, finished);
    if (is_aggregate(t)) return start_aggregate(t, b, line, finished);
    if (ReadResult r = check_simple(t, b, line); !r.done()) return r;
    pos_ = line.end + 2;
    finished = complete_one();
    return {Outcome::done};
}

// The line after the type byte, up to CRLF, at most max_line_length bytes.
ReadResult RespReader::find_line(std::span<const std::uint8_t> b, Line& line) noexcept {
    const std::size_t begin = pos_ + 1;
    const std::size_t limit_end = begin + limits_.max_line_length;  // where the CR may be, at most
    const std::size_t scan_end = std::min(b.size(), limit_end + 1);
    std::size_t cr = begin;
    while (cr < scan_end && b[cr] != '\r')
        ++cr;
    if (cr == scan_end) {
        // No CR within the limit: a longer line would only be refused once it ended.
        if (b.size() > limit_end) return fail(Error::line_too_long, limit_end);
        return more(b.size() + 1);
    }
    if (cr + 1 >= b.size()) return more(cr + 2);
    // RESP: every line ends with CRLF; a CR alone is no line end.
    if (b[cr + 1] != '\n') return fail(Error::bad_line_ending, cr + 1);
    if (cr + 2 > limits_.max_reply_bytes) return fail(Error::reply_too_large, cr + 1);
    line = {begin, cr};
    return {Outcome::done};
}

ReadResult RespReader::check_simple(Type t, std::span<const std::uint8_t> b, Line line) noexcept {
    const auto text = b.subspan(line.begin, line.end - line.begin);
    std::int64_t ignored = 0;
    switch (t) {
        case Type::simple_string:
        case Type::error: {
            // Simple strings and errors may not contain CR or LF (that is what bulk strings are
            // for); a bare LF would make the line end ambiguous to a lenient peer.
            const auto lf = std::find(text.begin(), text.end(), '\n');
            if (lf != text.end()) {
                return fail(Error::bad_line_ending, line.begin + std::size_t(lf - text.begin()));
            }
            break;
        }
        case Type::integer:
            // RESP ":" is a signed 64-bit integer.
            if (!parse_integer(text, ignored)) return fail(Error::bad_integer, line.begin);
            break;
        case Type::null:
            // RESP3 null carries nothing.
            if (!text.empty()) return fail(Error::bad_null, line.begin);
            break;
        case Type::boolean:
            if (!equals(text, "t") && !equals(text, "f")) {
                return fail(Error::bad_boolean, line.begin);
            }
            break;
        case Type::double_number:
            if (!is_double(text)) return fail(Error::bad_double, line.begin);
            break;
        case Type::big_number:
            if (!is_big_number(text)) return fail(Error::bad_big_number, line.begin);
            break;
        default:
            break;
    }
    return {Outcome::done};
}

ReadResult RespReader::start_bulk(Type t, std::span<const std::uint8_t> b, Line line,
                                  bool& finished) noexcept {
    std::int64_t len = 0;
    const auto text = b.subspan(line.begin, line.end - line.begin);
    if (!parse_integer(text, len)) return fail(Error::bad_integer, line.begin);
    const std::size_t next = line.end + 2;
    if (len == -1 && t == Type::bulk_string) {  // RESP2's null bulk string
        pos_ = next;
        finished = complete_one();
        return {Outcome::done};
    }
    // Only RESP2's "$-1" may be negative; bulk errors and verbatim strings are never null.
    if (len < 0) return fail(Error::bad_length, line.begin);
    const auto n = static_cast<std::uint64_t>(len);
    if (n > limits_.max_bulk_length) return fail(Error::bulk_too_long, line.begin);
    // RESP3 verbatim: a 3-byte format ("txt", "mkd") and ':' before the text.
    if (t == Type::verbatim && n < 4) return fail(Error::bad_verbatim, line.begin);
    if (next + n + 2 > limits_.max_reply_bytes) return fail(Error::reply_too_large, line.begin);
    bulk_type_ = t;
    bulk_from_ = next;
    bulk_end_ = next + static_cast<std::size_t>(n);
    pos_ = next;
    return {Outcome::done};
}

ReadResult RespReader::end_bulk(std::span<const std::uint8_t> b, bool& finished) noexcept {
    if (b.size() < bulk_end_ + 2) return more(bulk_end_ + 2);
    // The length said where the payload ends; CRLF must be there.
    if (b[bulk_end_] != '\r' || b[bulk_end_ + 1] != '\n') {
        return fail(Error::bad_bulk_ending, bulk_end_);
    }
    if (bulk_type_ == Type::verbatim && b[bulk_from_ + 3] != ':') {
        return fail(Error::bad_verbatim, bulk_from_ + 3);
    }
    pos_ = bulk_end_ + 2;
    bulk_end_ = 0;
    finished = complete_one();
    return {Outcome::done};
}

ReadResult RespReader::start_aggregate(Type t, std::span<const std::uint8_t> b, Line line,
                                       bool& finished) noexcept {
    std::int64_t count = 0;
    const auto text = b.subspan(line.begin, line.end - line.begin);
    if (!parse_integer(text, count)) return fail(Error::bad_integer, line.begin);
    pos_ = line.end + 2;
    if (count == -1 && t == Type::array) {  // RESP2's null array
        finished = complete_one();
        return {Outcome::done};
    }
    // Only RESP2's "*-1" may be negative.
    if (count < 0) return fail(Error::bad_length, line.begin);
    const bool pairs = t == Type::map || t == Type::attribute;
    const auto n = static_cast<std::uint64_t>(count);
    // Counted before doubling, so that a huge pair count cannot wrap around.
    if (n > limits_.max_aggregate_count || (pairs && n * 2 > limits_.max_aggregate_count)) {
        return fail(Error::aggregate_too_long, line.begin);
    }
    // depth_ counts the reply itself; the aggregates open are depth_ - 1.
    if (depth_ > limits_.max_depth) return fail(Error::nesting_too_deep, line.begin - 1);
    const std::uint64_t values = pairs ? n * 2 : n;
    if (values == 0) {
        // An empty attribute annotates the next value, which is still owed.
        if (t != Type::attribute) finished = complete_one();
        return {Outcome::done};
    }
    open_[depth_++] = {values, t == Type::attribute};
    return {Outcome::done};
}

// A value ended: the innermost aggregate owes one fewer. Aggregates that end this way are values
// of their parents in turn, except attributes. True when the reply itself has ended.
bool RespReader::complete_one() noexcept {
    for (;;) {
        Open& top = open_[depth_ - 1];
        if (--top.left > 0) return false;
        const bool attribute = top.attribute;
        --depth_;
        if (depth_ == 0) return true;
        if (attribute) return false;
    }
}

}  // namespace wire::redis
