#include "http/parser.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include "http/detail/chars.hpp"
#include "http/detail/scan.hpp"

namespace wire::http {
namespace {

using detail::is_field_value;
using detail::is_target;
using detail::is_token;

// field-value = *field-content (RFC 9110 §5.5): returns the first byte that is not part of it.
const char* skip_value(const char* p, const char* end) noexcept {
    for (;;) {
        p = detail::skip_plain_value(p, end);
        // HTAB and obs-text are allowed but stop the fast scan: step over them and go on.
        if (p == end || !is_field_value(*p)) return p;
        ++p;
    }
}

}  // namespace

HeadParser::HeadParser(Kind kind, std::span<Field> fields, const ParseOptions& options) noexcept
    : options_(options),
      storage_(fields),
      max_fields_(std::min(fields.size(), options.limits.max_fields)),
      kind_(kind) {}

void HeadParser::reset() noexcept {
    // Built in place: assigning a temporary copies it through the stack, and a load that
    // straddles its packed flags waits for the stores before it (a store-forwarding stall).
    std::construct_at(&head_);
    std::construct_at(&facts_);
    count_ = line_start_ = mark_ = name_end_ = pos_ = 0;
    state_ = State::start;
    to_head_ = false;
}

HeadParser::Step HeadParser::fail(Error e, std::size_t offset) noexcept {
    error_ = e;
    error_at_ = offset;
    state_ = State::failed;
    return Step::fail;
}

ParseResult HeadParser::parse(std::string_view buf) noexcept {
    if (state_ == State::failed) return {Outcome::error, 0, error_, error_at_};
    if (state_ == State::done) return {Outcome::done, pos_, {}, 0};
    base_ = buf.data();
    // RFC 9112 §2.1 / Limits::max_head_bytes: nothing past the limit is ever looked at, so
    // the answer is the same however the bytes were split.
    const std::size_t max_head = options_.limits.max_head_bytes;
    const char* end = base_ + std::min(buf.size(), max_head);
    const char* p = base_ + pos_;
    Scan scan{Step::next, p};
    if (state_ < State::field_start) {
        scan = kind_ == Kind::request ? request_line(p, end) : status_line(p, end);
    }
    if (scan.step == Step::next) scan = fields(scan.p, end);
    const Step step = scan.step;
    p = scan.p;
    if (step == Step::fail) return {Outcome::error, 0, error_, error_at_};
    if (step == Step::more) {
        pos_ = static_cast<std::size_t>(p - base_);
        if (buf.size() >= max_head) {
            fail(Error::head_too_large, max_head);
            return {Outcome::error, 0, error_, error_at_};
        }
        return {Outcome::need_more, 0, {}, 0};
    }
    return complete(static_cast<std::size_t>(p - base_));
}

ParseResult HeadParser::complete(std::size_t consumed) noexcept {
    head_.fields = HeaderView(storage_.first(count_));
    const bool ok = kind_ == Kind::request
                        ? facts_.finish_request(head_, options_.limits, consumed, hosts_)
                        : facts_.finish_response(head_, to_head_);
    if (!ok) {
        fail(facts_.error(), facts_.offset());
        return {Outcome::error, 0, error_, error_at_};
    }
    if (kind_ == Kind::request) {
        if (const Error e = detail::check_target(head_); e != Error{}) {
            fail(e, static_cast<std::size_t>(head_.target.data() - base_));
            return {Outcome::error, 0, error_, error_at_};
        }
    }
    state_ = State::done;
    pos_ = consumed;
    return {Outcome::done, consumed, {}, 0};
}

// The CRLF ending the start line; `garbage` is the error for anything else found there.
HeadParser::Scan HeadParser::start_line_end(const char* p, const char* end,
                                            Error garbage) noexcept {
    if (p == end) return {Step::more, p};
    if (*p == '\r') {
        if (end - p < 2) return {Step::more, p};
        // RFC 9112 §2.2: a bare CR is invalid.
        if (p[1] != '\n') return {fail(Error::bare_cr, p), p};
        p += 2;
    } else if (*p == '\n') {
        // RFC 9112 §2.2: a lone LF "MAY" end a line; only under Lenient::bare_lf.
        if (!options_.lenient.bare_lf) return {fail(Error::bare_lf, p), p};
        p += 1;
    } else {
        return {fail(garbage, p), p};
    }
    state_ = State::field_start;
    return {Step::next, p};
}

// HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP"   (RFC 9112 §2.3)
// Reads the 8 bytes at p (the caller made sure they are there) into head_.version_minor.
bool HeadParser::version(const char* p) noexcept {
    // Why: almost every message says "HTTP/1.1"; one 8-byte compare recognises it.
    if (detail::load<std::uint64_t>(p) == detail::load<std::uint64_t>("HTTP/1.1")) {
        head_.version_minor = 1;
        return true;
    }
    if (std::memcmp(p, "HTTP/", 5) != 0 || !detail::is_digit(static_cast<unsigned char>(p[5])) ||
        p[6] != '.' || !detail::is_digit(static_cast<unsigned char>(p[7]))) {
        fail(Error::bad_version, p);
        return false;
    }
    // RFC 9110 §6.2 / §15.6.6: a major version we do not implement is a 505; a higher minor
    // version is handled as the highest we know (1.1).
    if (p[5] != '1') {
        fail(Error::unsupported_version, p + 5);
        return false;
    }
    head_.version_minor = p[7] - '0';
    return true;
}

// request-line = method SP request-target SP HTTP-version CRLF      (RFC 9112 §3)
// method = token; HTTP-version = "HTTP/" DIGIT "." DIGIT            (RFC 9112 §2.3)
HeadParser::Scan HeadParser::request_line(const char* p, const char* end) noexcept {
    const Limits& lim = options_.limits;
    // Scanning stops one byte past each limit, so a line or target that is too long is
    // recognised at the same byte whether it arrived whole or in pieces.
    const char* line_limit = base_ + line_start_ + lim.max_request_line + 1;
    switch (state_) {
        case State::start:
            // RFC 9112 §2.2: ignore empty lines received before the request-line.
            while (p < end && (*p == '\r' || *p == '\n')) {
                if (*p == '\n' && !options_.lenient.bare_lf) return {fail(Error::bare_lf, p), p};
                if (*p == '\r') {
                    if (end - p < 2) return {Step::more, p};
                    if (p[1] != '\n') return {fail(Error::bare_cr, p), p};
                    ++p;
                }
                ++p;
            }
            if (p == end) return {Step::more, p};
            line_start_ = mark_ = static_cast<std::size_t>(p - base_);
            line_limit = p + lim.max_request_line + 1;
            state_ = State::method;
            [[fallthrough]];
        case State::method: {
            const char* stop = std::min(end, line_limit);
            while (p < stop && is_token(*p))
                ++p;
            if (p == line_limit) return {fail(Error::request_line_too_long, p - 1), p};
            if (p == end) return {Step::more, p};
            // Why: the method must be a non-empty token followed by exactly one SP.
            if (*p != ' ' || p == base_ + mark_) return {fail(Error::bad_method, p), p};
            head_.method = {base_ + mark_, static_cast<std::size_t>(p - (base_ + mark_))};
            ++p;
            mark_ = static_cast<std::size_t>(p - base_);
            state_ = State::target;
        }
            [[fallthrough]];
        case State::target: {
            const char* target_limit = base_ + mark_ + lim.max_target + 1;
            const char* stop = std::min({end, line_limit, target_limit});
            while (p < stop && is_target(*p))
                ++p;
            if (p == target_limit) return {fail(Error::target_too_long, p - 1), p};
            if (p == line_limit) return {fail(Error::request_line_too_long, p - 1), p};
            if (p == end) return {Step::more, p};
            // Why: a target without a version ("GET /\r\n") is HTTP/0.9, which we do not speak.
            if (*p == '\r' || *p == '\n') return {fail(Error::bad_request_line, p), p};
            // Why: anything outside RFC 3986's characters (SP twice, '#', controls, '"', '{'...)
            // is either garbage or an attempt to make two parsers split the line differently.
            if (*p != ' ' || p == base_ + mark_) return {fail(Error::bad_target, p), p};
            head_.target = {base_ + mark_, static_cast<std::size_t>(p - (base_ + mark_))};
            ++p;
            mark_ = static_cast<std::size_t>(p - base_);
            state_ = State::version;
        }
            [[fallthrough]];
        case State::version: {
            // The version and, when the line limit binds, the CR after it must fit the window.
            const bool limited = line_limit <= end;
            if ((limited ? line_limit : end) - p < (limited ? 9 : 8)) {
                if (limited) return {fail(Error::request_line_too_long, line_limit - 1), p};
                return {Step::more, p};
            }
            if (!version(p)) return {Step::fail, p};
            p += 8;
            state_ = State::start_line_end;
        }
            [[fallthrough]];
        case State::start_line_end:
            return start_line_end(p, end, Error::bad_request_line);
        default:
            return {Step::next, p};
    }
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF   (RFC 9112 §4)
// status-code = 3DIGIT; reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
HeadParser::Scan HeadParser::status_line(const char* p, const char* end) noexcept {
    switch (state_) {
        case State::start:
            line_start_ = mark_ = static_cast<std::size_t>(p - base_);
            state_ = State::status_line;
            [[fallthrough]];
        case State::status_line: {
            // "HTTP/1.1 200" and one more byte: SP, CR or LF.
            if (end - p < 13) return {Step::more, p};
            if (!version(p)) return {Step::fail, p};
            if (p[8] != ' ') return {fail(Error::bad_status_line, p + 8), p};
            int code = 0;
            for (int i = 9; i < 12; ++i) {
                if (!detail::is_digit(static_cast<unsigned char>(p[i]))) {
                    return {fail(Error::bad_status_code, p + i), p};
                }
                code = code * 10 + (p[i] - '0');
            }
            // RFC 9110 §15: the first digit is the class, 1 to 5; we accept up to 9 as Go does
            // for unknown classes, but never below 100.
            if (code < 100) return {fail(Error::bad_status_code, p + 9), p};
            head_.status = code;
            p += 12;
            // Many servers omit "SP reason"; RFC 9112 §4 tells clients to ignore the reason.
            if (*p != ' ') {
                state_ = State::start_line_end;
                return start_line_end(p, end, Error::bad_status_line);
            }
            ++p;
            mark_ = static_cast<std::size_t>(p - base_);
            state_ = State::reason;
        }
            [[fallthrough]];
        case State::reason:
            while (p < end && is_field_value(*p))
                ++p;
            if (p == end) return {Step::more, p};
            if (*p != '\r' && *p != '\n') return {fail(Error::bad_reason_phrase, p), p};
            head_.reason = {base_ + mark_, static_cast<std::size_t>(p - (base_ + mark_))};
            state_ = State::start_line_end;
            [[fallthrough]];
        case State::start_line_end:
            return start_line_end(p, end, Error::bad_status_line);
        default:
            return {Step::next, p};
    }
}

// field-line = field-name ":" OWS field-value OWS                    (RFC 9112 §5)
// field-name = token; the section ends with an empty line (CRLF).
HeadParser::Scan HeadParser::fields(const char* p, const char* end) noexcept {
    for (;;) {
        switch (state_) {
            case State::field_start:
                if (p == end) return {Step::more, p};
                if (*p == '\r' || *p == '\n') {
                    // The empty line that ends the head.
                    if (*p == '\n') {
                        if (!options_.lenient.bare_lf) return {fail(Error::bare_lf, p), p};
                        ++p;
                        return {Step::next, p};
                    }
                    if (end - p < 2) return {Step::more, p};
                    if (p[1] != '\n') return {fail(Error::bare_cr, p), p};
                    p += 2;
                    return {Step::next, p};
                }
                if (*p == ' ' || *p == '\t') {
                    // RFC 9112 §2.2: whitespace before the first field could hide a field
                    // from one parser and not another. RFC 9112 §5.2: obs-fold is rejected.
                    return {fail(count_ == 0 ? Error::space_after_start_line : Error::obs_fold, p),
                            p};
                }
                line_start_ = mark_ = static_cast<std::size_t>(p - base_);
                state_ = State::field_name;
                [[fallthrough]];
            case State::field_name:
                p = detail::skip_token(p, end);
                if (p == end) return {Step::more, p};
                if (*p != ':' || p == base_ + mark_) {
                    // RFC 9112 §5.1: "No whitespace is allowed between the field name and
                    // colon"; a server MUST reject it (it was used for smuggling).
                    if ((*p == ' ' || *p == '\t') && p != base_ + mark_) {
                        return {fail(Error::space_before_colon, p), p};
                    }
                    return {fail(Error::bad_field_name, p), p};
                }
                name_end_ = static_cast<std::size_t>(p - base_);
                ++p;
                state_ = State::field_ows;
                [[fallthrough]];
            case State::field_ows:
                while (p < end && (*p == ' ' || *p == '\t'))
                    ++p;
                if (p == end) return {Step::more, p};
                mark_ = static_cast<std::size_t>(p - base_);
                state_ = State::field_value;
                [[fallthrough]];
            case State::field_value: {
                const Scan scan = field_value(p, end);
                if (scan.step != Step::next) return scan;
                p = scan.p;
                break;
            }
            default:
                return {Step::next, p};
        }
    }
}

HeadParser::Scan HeadParser::field_value(const char* p, const char* end) noexcept {
    p = skip_value(p, end);
    if (p == end) return {Step::more, p};
    const char* value_end = p;
    if (*p == '\r') {
        if (end - p < 2) return {Step::more, p};
        // Why: a CR that does not end the line is how response splitting hides a header.
        if (p[1] != '\n') return {fail(Error::bare_cr, p), p};
        p += 2;
    } else if (*p == '\n') {
        if (!options_.lenient.bare_lf) return {fail(Error::bare_lf, p), p};
        p += 1;
    } else {
        // RFC 9110 §5.5: NUL and other controls in a value "MUST" be rejected or replaced.
        return {fail(Error::bad_field_value, p), p};
    }
    return {store_field(value_end), p};
}

HeadParser::Step HeadParser::store_field(const char* value_end) noexcept {
    const char* value_start = base_ + mark_;
    // The value's trailing OWS is not part of it (RFC 9112 §5).
    while (value_end > value_start && (value_end[-1] == ' ' || value_end[-1] == '\t'))
        --value_end;
    if (count_ == max_fields_) return fail(Error::too_many_fields, line_start_);
    Field& f = storage_[count_++];
    f.name = {base_ + line_start_, name_end_ - line_start_};
    f.value = {value_start, static_cast<std::size_t>(value_end - value_start)};
    if (!facts_.note(f.name, f.value, line_start_)) return fail(facts_.error(), facts_.offset());
    state_ = State::field_start;
    return Step::next;
}

}  // namespace wire::http
