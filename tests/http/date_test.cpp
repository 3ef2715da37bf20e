#include "http/date.hpp"

#include <doctest/doctest.h>

TEST_CASE("IMF-fixdate formatting (RFC 9110 §5.6.7 example)") {
    char out[wire::http::kHttpDateSize];
    wire::http::format_http_date(784111777, out);
    CHECK(std::string_view(out, sizeof out) == "Sun, 06 Nov 1994 08:49:37 GMT");
    wire::http::format_http_date(0, out);
    CHECK(std::string_view(out, sizeof out) == "Thu, 01 Jan 1970 00:00:00 GMT");
    wire::http::format_http_date(4102444799, out);
    CHECK(std::string_view(out, sizeof out) == "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST_CASE("the three date formats a recipient must accept parse to the same time") {
    CHECK(wire::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
    CHECK(wire::http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
    CHECK(wire::http::parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
    for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Xyz 1994 08:49:37 GMT",
                            "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                            "Funday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 19x4"}) {
        CAPTURE(bad);
        CHECK_FALSE(wire::http::parse_http_date(bad).has_value());
    }
}

TEST_CASE("DateCache formats once per second") {
    wire::http::DateCache cache;
    const std::string_view a = cache.get(784111777);
    CHECK(a == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(cache.get(784111777).data() == a.data());
    CHECK(cache.get(784111778) == "Sun, 06 Nov 1994 08:49:38 GMT");
}
