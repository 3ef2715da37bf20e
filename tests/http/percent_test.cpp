#include "http/percent.hpp"

#include <doctest/doctest.h>

#include "http/error.hpp"

using wire::http::Escape;

TEST_CASE("percent_decode decodes %XX in either case, '+' only in query mode") {
    std::string out;
    CHECK_FALSE(wire::http::percent_decode("/a%20b%2Fc%c3%A9", out));
    CHECK(out == "/a b/c\xc3\xa9");
    out.clear();
    CHECK_FALSE(wire::http::percent_decode("a+b", out, Escape::path));
    CHECK(out == "a+b");
    out.clear();
    CHECK_FALSE(wire::http::percent_decode("a+b%2B", out, Escape::query));
    CHECK(out == "a b+");
}

TEST_CASE("percent_decode rejects a '%' without two hex digits and appends nothing") {
    for (const char* bad : {"%", "%2", "%zz", "a%2", "%G0", "abc%"}) {
        CAPTURE(bad);
        std::string out = "keep";
        CHECK(wire::http::percent_decode(bad, out) == wire::http::Error::bad_percent_encoding);
        CHECK(out == "keep");
    }
}

TEST_CASE("percent_encode follows Go's PathEscape and QueryEscape") {
    CHECK(wire::http::percent_encode("a b/c?d", Escape::query) == "a+b%2Fc%3Fd");
    CHECK(wire::http::percent_encode("a b/c?d", Escape::path_segment) == "a%20b%2Fc%3Fd");
    CHECK(wire::http::percent_encode("/a b/c?d", Escape::path) == "/a%20b/c%3Fd");
    CHECK(wire::http::percent_encode("-._~AZaz09", Escape::query) == "-._~AZaz09");
    CHECK(wire::http::percent_encode("\xc3\xa9", Escape::path) == "%C3%A9");
    CHECK(wire::http::percent_encode("a=b&c", Escape::query) == "a%3Db%26c");
    CHECK(wire::http::percent_encode("a=b&c:@", Escape::path_segment) == "a=b&c:@");
    CHECK(wire::http::percent_encode("a,b;c", Escape::path_segment) == "a%2Cb%3Bc");
}

TEST_CASE("encode then decode gives the input back, for every byte") {
    std::string all;
    for (int c = 0; c < 256; ++c)
        all.push_back(static_cast<char>(c));
    for (Escape mode : {Escape::path, Escape::path_segment, Escape::query}) {
        std::string back;
        CHECK_FALSE(wire::http::percent_decode(wire::http::percent_encode(all, mode), back, mode));
        CHECK(back == all);
    }
}
