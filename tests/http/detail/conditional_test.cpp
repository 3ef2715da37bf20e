#include "http/detail/conditional.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::http::detail::ConditionalFields;
using wire::http::detail::evaluate_preconditions;
using wire::http::detail::Precondition;

namespace {

// Last-Modified of the representation: Sun, 06 Nov 1994 08:49:37 GMT.
constexpr std::time_t kModified = 784111777;
constexpr const char* kAt = "Sun, 06 Nov 1994 08:49:37 GMT";
constexpr const char* kBefore = "Sun, 06 Nov 1994 08:49:36 GMT";
constexpr const char* kAfter = "Sunday, 06-Nov-94 08:49:38 GMT";  // RFC 850 form
constexpr const char* kETag = "\"v1\"";

ConditionalFields F(std::string_view method, std::string_view im = "", std::string_view ius = "",
                    std::string_view inm = "", std::string_view ims = "", std::string_view ir = "",
                    std::string_view range = "") {
    ConditionalFields f;
    f.method = method, f.if_match = im, f.if_unmodified_since = ius, f.if_none_match = inm;
    f.if_modified_since = ims, f.if_range = ir, f.range = range;
    return f;
}

}  // namespace

TEST_CASE("evaluate_preconditions: RFC 9110 §13.2.2 order, one row per rule") {
    struct Case {
        const char* name;
        ConditionalFields f;
        Precondition want;
        bool range_kept;
    };
    const Case cases[] = {
        {"no conditions", F("GET"), Precondition::proceed, true},
        {"If-Match matches", F("PUT", "\"v1\""), Precondition::proceed, false},
        {"If-Match in a list", F("PUT", "\"x\", \"v1\""), Precondition::proceed, false},
        {"If-Match *", F("PUT", "*"), Precondition::proceed, false},
        {"If-Match weak never matches", F("GET", "W/\"v1\""), Precondition::precondition_failed,
         false},
        {"If-Match differs", F("GET", "\"v2\""), Precondition::precondition_failed, false},
        {"If-Unmodified-Since at", F("GET", "", kAt), Precondition::proceed, true},
        {"If-Unmodified-Since before", F("GET", "", kBefore), Precondition::precondition_failed,
         false},
        {"If-Unmodified-Since bad date ignored", F("GET", "", "yesterday"), Precondition::proceed,
         true},
        {"If-Match wins over If-Unmodified-Since", F("GET", "\"v1\"", kBefore),
         Precondition::proceed, true},
        {"If-None-Match matches: 304", F("GET", "", "", "\"v1\""), Precondition::not_modified,
         false},
        {"If-None-Match weak match: 304", F("HEAD", "", "", "W/\"v1\""), Precondition::not_modified,
         false},
        {"If-None-Match * : 304", F("GET", "", "", "*"), Precondition::not_modified, false},
        {"If-None-Match on POST: 412", F("POST", "", "", "\"v1\""),
         Precondition::precondition_failed, false},
        {"If-None-Match differs", F("GET", "", "", "\"v0\", \"v2\""), Precondition::proceed, true},
        {"If-None-Match differs, If-Modified-Since ignored", F("GET", "", "", "\"v0\"", kAfter),
         Precondition::proceed, true},
        {"If-Modified-Since at: 304", F("GET", "", "", "", kAt), Precondition::not_modified, false},
        {"If-Modified-Since after: 304", F("GET", "", "", "", kAfter), Precondition::not_modified,
         false},
        {"If-Modified-Since before", F("GET", "", "", "", kBefore), Precondition::proceed, true},
        {"If-Modified-Since asctime", F("GET", "", "", "", "Sun Nov  6 08:49:37 1994"),
         Precondition::not_modified, false},
        {"If-Modified-Since on POST ignored", F("POST", "", "", "", kAt), Precondition::proceed,
         false},
        {"If-Range etag matches", F("GET", "", "", "", "", "\"v1\"", "bytes=0-1"),
         Precondition::proceed, true},
        {"If-Range etag differs", F("GET", "", "", "", "", "\"v2\"", "bytes=0-1"),
         Precondition::proceed, false},
        {"If-Range weak etag never matches", F("GET", "", "", "", "", "W/\"v1\"", "bytes=0-1"),
         Precondition::proceed, false},
        {"If-Range date equal", F("GET", "", "", "", "", kAt, "bytes=0-1"), Precondition::proceed,
         true},
        {"If-Range date after", F("GET", "", "", "", "", kAfter, "bytes=0-1"),
         Precondition::proceed, false},
        {"Range on POST ignored", F("POST", "", "", "", "", "", "bytes=0-1"), Precondition::proceed,
         false},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.name));
        ConditionalFields f = c.f;
        if (f.range.empty()) f.range = "bytes=0-1";
        const auto r = evaluate_preconditions(f, kETag, kModified);
        CHECK(r.outcome == c.want);
        if (c.want == Precondition::proceed) CHECK((r.range == "bytes=0-1") == c.range_kept);
    }
}

TEST_CASE("evaluate_preconditions: without an ETag or a modification time") {
    ConditionalFields f = F("GET");
    f.if_none_match = "\"v1\"";
    CHECK(evaluate_preconditions(f, "", kModified).outcome == Precondition::proceed);
    f = F("GET");
    f.if_modified_since = kAt;
    CHECK(evaluate_preconditions(f, kETag, std::nullopt).outcome == Precondition::proceed);
    f = F("GET");
    f.if_range = kAt;
    f.range = "bytes=0-1";
    CHECK(evaluate_preconditions(f, kETag, std::nullopt).range.empty());
    f = F("GET");
    f.if_match = "*";
    CHECK(evaluate_preconditions(f, "", std::nullopt).outcome == Precondition::proceed);
}
