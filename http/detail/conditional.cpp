#include "http/detail/conditional.hpp"

#include "http/date.hpp"
#include "http/detail/chars.hpp"
#include "http/detail/etag.hpp"

namespace wire::http::detail {
namespace {

enum class Cond : unsigned char { none, yes, no };

bool get_or_head(std::string_view m) {
    return m == "GET" || m == "HEAD";
}

// RFC 9110 §13.1.1: "*" is true when a current representation exists (it does: we are
// serving it); otherwise a strong match against the list.
Cond if_match(std::string_view v, std::string_view etag) {
    v = trim_ows(v);
    if (v.empty()) return Cond::none;
    if (v == "*") return Cond::yes;
    return etag_list_matches(v, etag, false) ? Cond::yes : Cond::no;
}

// RFC 9110 §13.1.4: ignored when the date does not parse or the time is unknown; true when
// the representation was not modified after the date.
Cond if_unmodified_since(std::string_view v, std::optional<std::time_t> modtime) {
    if (trim_ows(v).empty() || !modtime) return Cond::none;
    const auto t = parse_http_date(trim_ows(v));
    if (!t) return Cond::none;
    return *modtime <= *t ? Cond::yes : Cond::no;
}

// RFC 9110 §13.1.2: false when "*" or any tag weakly matches.
Cond if_none_match(std::string_view v, std::string_view etag) {
    v = trim_ows(v);
    if (v.empty()) return Cond::none;
    if (v == "*") return Cond::no;
    return etag_list_matches(v, etag, true) ? Cond::no : Cond::yes;
}

// RFC 9110 §13.1.3: GET and HEAD only; false when not modified after the date.
Cond if_modified_since(std::string_view method, std::string_view v,
                       std::optional<std::time_t> modtime) {
    if (!get_or_head(method) || trim_ows(v).empty() || !modtime) return Cond::none;
    const auto t = parse_http_date(trim_ows(v));
    if (!t) return Cond::none;
    return *modtime <= *t ? Cond::no : Cond::yes;
}

// RFC 9110 §13.1.5: an entity-tag must match strongly; a date must equal Last-Modified
// exactly (a date is a weak validator otherwise).
Cond if_range(std::string_view v, std::string_view etag, std::optional<std::time_t> modtime) {
    v = trim_ows(v);
    if (v.empty()) return Cond::none;
    if (v.front() == '"' || v.starts_with("W/")) {
        ETag want, have;
        return parse_etag(v, want) && parse_etag(etag, have) && strong_equal(want, have) ? Cond::yes
                                                                                         : Cond::no;
    }
    if (!modtime) return Cond::no;
    const auto t = parse_http_date(v);
    return t && *t == *modtime ? Cond::yes : Cond::no;
}

}  // namespace

ConditionalResult evaluate_preconditions(const ConditionalFields& f, std::string_view etag,
                                         std::optional<std::time_t> modtime) {
    ConditionalResult r;
    Cond c = if_match(f.if_match, etag);
    if (c == Cond::none) c = if_unmodified_since(f.if_unmodified_since, modtime);
    if (c == Cond::no) {
        r.outcome = Precondition::precondition_failed;
        return r;
    }
    switch (if_none_match(f.if_none_match, etag)) {
        case Cond::no:
            r.outcome = get_or_head(f.method) ? Precondition::not_modified
                                              : Precondition::precondition_failed;
            return r;
        case Cond::none:
            if (if_modified_since(f.method, f.if_modified_since, modtime) == Cond::no) {
                r.outcome = Precondition::not_modified;
                return r;
            }
            break;
        case Cond::yes:
            break;
    }
    if (get_or_head(f.method) && if_range(f.if_range, etag, modtime) != Cond::no) {
        r.range = f.range;
    }
    return r;
}

}  // namespace wire::http::detail
