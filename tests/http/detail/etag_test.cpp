#include "http/detail/etag.hpp"

#include <doctest/doctest.h>

using wire::http::detail::ETag;
using wire::http::detail::etag_list_matches;
using wire::http::detail::parse_etag;
using wire::http::detail::strong_equal;
using wire::http::detail::weak_equal;

TEST_CASE("parse_etag accepts RFC 9110 §8.8.3 entity-tags and nothing else") {
    ETag t;
    CHECK(parse_etag("\"xyzzy\"", t));
    CHECK(!t.weak);
    CHECK(t.opaque == "\"xyzzy\"");
    CHECK(parse_etag("W/\"xyzzy\"", t));
    CHECK(t.weak);
    CHECK(t.opaque == "\"xyzzy\"");
    CHECK(parse_etag("\"\"", t));
    CHECK(parse_etag("\"a,b\"", t));  // "," is an etagc
    for (const char* bad :
         {"", "xyzzy", "\"open", "w/\"x\"", "W/x", "\"a\"b", "\"a b\"", "\"a\"\"", " \"a\""}) {
        CAPTURE(bad);
        CHECK(!parse_etag(bad, t));
    }
}

TEST_CASE("RFC 9110 §8.8.3.2 comparison table") {
    struct Case {
        const char *a, *b;
        bool strong, weak;
    };
    const Case cases[] = {
        {"W/\"1\"", "W/\"1\"", false, true},
        {"W/\"1\"", "W/\"2\"", false, false},
        {"W/\"1\"", "\"1\"", false, true},
        {"\"1\"", "\"1\"", true, true},
    };
    for (const Case& c : cases) {
        CAPTURE(c.a);
        CAPTURE(c.b);
        ETag a, b;
        REQUIRE(parse_etag(c.a, a));
        REQUIRE(parse_etag(c.b, b));
        CHECK(strong_equal(a, b) == c.strong);
        CHECK(weak_equal(a, b) == c.weak);
    }
}

TEST_CASE("etag_list_matches: lists, '*', and weak versus strong") {
    struct Case {
        const char* list;
        const char* current;
        bool weak;
        bool match;
    };
    const Case cases[] = {
        {"\"a\"", "\"a\"", false, true},
        {"\"b\", \"a\"", "\"a\"", false, true},
        {"\"b\" ,\t\"a\" ", "\"a\"", false, true},
        {", ,\"a\",", "\"a\"", false, true},
        {"\"a,b\"", "\"a,b\"", false, true},
        {"\"b\"", "\"a\"", false, false},
        {"W/\"a\"", "\"a\"", false, false},
        {"W/\"a\"", "\"a\"", true, true},
        {"\"a\"", "W/\"a\"", true, true},
        {"\"a\"", "W/\"a\"", false, false},
        {"*", "\"a\"", false, true},
        {" * ", "\"a\"", true, true},
        {"*", "", false, false},
        {"\"a\"", "", true, false},
        {"\"a\" \"b\"", "\"b\"", true, false},
        {"a", "\"a\"", true, false},
        {"", "\"a\"", true, false},
        {"\"a\", *", "\"b\"", true, false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.list);
        CAPTURE(c.current);
        CAPTURE(c.weak);
        CHECK(etag_list_matches(c.list, c.current, c.weak) == c.match);
    }
}
