#include "http/detail/redirect.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::http::detail::redirect_rule;
using wire::http::detail::remove_dot_segments;
using wire::http::detail::resolve_reference;

TEST_CASE("resolve_reference: RFC 3986 §5.4 normal and abnormal examples") {
    const std::string base = "http://a/b/c/d;p?q";
    struct Case {
        const char* ref;
        const char* want;
    };
    const Case cases[] = {
        // §5.4.1 normal examples (those without a different scheme).
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q"},
        {"g#s", "http://a/b/c/g"},
        {"g?y#s", "http://a/b/c/g?y"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
        // §5.4.2 abnormal examples.
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"http:g", "http:g"},
        // Absolute references replace everything.
        {"http://other:8080/x?z", "http://other:8080/x?z"},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.ref));
        const auto got = resolve_reference(base, c.ref);
        REQUIRE(got.has_value());
        CHECK(*got == c.want);
    }
    CHECK(resolve_reference("http://h", "x") == "http://h/x");
    CHECK(!resolve_reference("/relative", "x").has_value());
    CHECK(!resolve_reference(base, "http://a b/").has_value());
}

TEST_CASE("remove_dot_segments: RFC 3986 §5.2.4 examples") {
    CHECK(remove_dot_segments("/a/b/c/./../../g") == "/a/g");
    CHECK(remove_dot_segments("mid/content=5/../6") == "mid/6");
    CHECK(remove_dot_segments("/..") == "/");
    CHECK(remove_dot_segments("/a/..") == "/");
    CHECK(remove_dot_segments("") == "");
}

TEST_CASE("redirect_rule: RFC 9110 §15.4 method and body handling") {
    struct Case {
        int status;
        const char* method;
        bool follow, keep_body, to_get;
    };
    const Case cases[] = {
        {301, "GET", true, true, false},   {301, "POST", true, false, true},
        {302, "POST", true, false, true},  {302, "PUT", true, true, false},
        {303, "POST", true, false, true},  {303, "PUT", true, false, true},
        {303, "HEAD", true, false, false}, {307, "POST", true, true, false},
        {308, "PUT", true, true, false},   {300, "GET", false, false, false},
        {304, "GET", false, false, false}, {305, "GET", false, false, false},
        {200, "GET", false, false, false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.status);
        CAPTURE(std::string(c.method));
        const auto r = redirect_rule(c.status, c.method);
        CHECK(r.follow == c.follow);
        CHECK(r.keep_body == c.keep_body);
        CHECK(r.to_get == c.to_get);
    }
}
