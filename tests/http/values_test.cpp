#include "http/values.hpp"

#include <doctest/doctest.h>

#include "http/error.hpp"

using wire::http::Values;

TEST_CASE("parse_query keeps every value of a key in order, decoding '+' and %XX") {
    Values v;
    CHECK_FALSE(wire::http::parse_query("a=1&b=x+y&a=2&c=%2F%3F&empty=&flag&&=z", v));
    CHECK(v.values("a") == std::vector<std::string_view>{"1", "2"});
    CHECK(v.get("b") == "x y");
    CHECK(v.get("c") == "/?");
    CHECK(v.has("empty"));
    CHECK(v.get("empty").empty());
    CHECK(v.has("flag"));
    CHECK(v.get("") == "z");
    CHECK_FALSE(v.has("A"));  // keys are case-sensitive
}

TEST_CASE("parse_query skips bad pairs, keeps the rest and reports the first error") {
    Values v;
    CHECK(wire::http::parse_query("a=1;b=2&c=%zz&d=4", v) == wire::http::Error::bad_url);
    CHECK_FALSE(v.has("a"));
    CHECK_FALSE(v.has("c"));
    CHECK(v.get("d") == "4");
    Values w;
    CHECK(wire::http::parse_query("x=%4", w) == wire::http::Error::bad_percent_encoding);
}

TEST_CASE("Values set/del/encode behave like Go's url.Values") {
    Values v;
    v.add("q", "a b");
    v.add("lang", "en");
    v.add("q", "c&d");
    CHECK(v.encode() == "lang=en&q=a+b&q=c%26d");
    v.set("q", "z");
    CHECK(v.values("q") == std::vector<std::string_view>{"z"});
    v.del("lang");
    CHECK(v.encode() == "q=z");
    Values back;
    CHECK_FALSE(wire::http::parse_query(v.encode(), back));
    CHECK(back.get("q") == "z");
}
