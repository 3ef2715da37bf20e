#include "http/detail/route_escape.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace wire::http::detail;

TEST_CASE("route_escape: decoding one segment, Go's way with malformed escapes") {
    struct Case {
        const char* raw;
        const char* decoded;
        bool valid;
    };
    const Case cases[] = {
        {"", "", true},         {"plain", "plain", true},    {"a%20b", "a b", true},
        {"%2F%2f", "//", true},                     // either case of HEXDIG (RFC 3986 §2.1)
        {"%41%42", "AB", true}, {"%", "%", false},  // malformed: the whole segment stays as written
        {"a%2", "a%2", false},  {"%zz%20", "%zz%20", false}, {"100%", "100%", false},
    };
    for (const Case& c : cases) {
        const std::string raw = c.raw;
        CAPTURE(raw);
        CHECK(valid_escapes(c.raw) == c.valid);
        std::string out = "x";
        append_unescaped(c.raw, out);
        CHECK(out == std::string("x") + c.decoded);
        CHECK(unescaped_equals(c.raw, c.decoded));
        char scratch[16];
        CHECK(decode_segment(c.raw, scratch) == c.decoded);
        CHECK_FALSE(unescaped_equals(c.raw, std::string(c.decoded) + "!"));
    }
    CHECK_FALSE(unescaped_equals("a%20b", "a%20b"));  // compared decoded, not as written
    CHECK_FALSE(unescaped_equals("ab", "a"));
    CHECK_FALSE(unescaped_equals("a", "ab"));
}
