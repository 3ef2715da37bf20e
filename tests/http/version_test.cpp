#include "http/version.hpp"

#include <doctest/doctest.h>

TEST_CASE("parse_http_version: HTTP-name \"/\" DIGIT \".\" DIGIT (RFC 9112 §2.3)") {
    int major = -1;
    int minor = -1;
    REQUIRE(wire::http::parse_http_version("HTTP/1.1", major, minor));
    CHECK(major == 1);
    CHECK(minor == 1);
    REQUIRE(wire::http::parse_http_version("HTTP/1.0", major, minor));
    CHECK(minor == 0);
    REQUIRE(wire::http::parse_http_version("HTTP/2.0", major, minor));
    CHECK(major == 2);
    for (const char* bad : {"", "HTTP/1", "HTTP/1.", "http/1.1", "HTTP/1.10", "HTTP/11.1",
                            "HTTP/a.1", "HTTP/1,1", " HTTP/1.1", "HTTPS/1.1"}) {
        CAPTURE(bad);
        major = minor = 7;
        CHECK_FALSE(wire::http::parse_http_version(bad, major, minor));
        CHECK(major == 7);  // untouched
        CHECK(minor == 7);
    }
}
