#include "http/detail/chars.hpp"

#include <doctest/doctest.h>

namespace d = wire::http::detail;

TEST_CASE("tchar is ALPHA / DIGIT and the RFC 9110 §5.6.2 punctuation") {
    for (char c : std::string_view("!#$%&'*+-.^_`|~azAZ09"))
        CHECK(d::is_token(c));
    for (char c : std::string_view("()<>@,;:\\\"/[]?={} \t\x7f"))
        CHECK_FALSE(d::is_token(c));
    CHECK_FALSE(d::is_token('\0'));
    CHECK_FALSE(d::is_token('\x80'));
}

TEST_CASE("field values allow VCHAR, obs-text, SP and HTAB but no other control") {
    CHECK(d::is_field_value(' '));
    CHECK(d::is_field_value('\t'));
    CHECK(d::is_field_value('~'));
    CHECK(d::is_field_value('\x80'));
    CHECK(d::is_field_value('\xff'));
    for (int c = 0; c < 0x20; ++c) {
        if (c != '\t') CHECK_FALSE(d::is_field_value(static_cast<char>(c)));
    }
    CHECK_FALSE(d::is_field_value('\x7f'));
}

TEST_CASE("target characters are RFC 3986's, without '#', space or controls") {
    for (char c : std::string_view("/?:@!$&'()*+,;=-._~%[]azAZ09"))
        CHECK(d::is_target(c));
    for (char c : std::string_view("# \"<>\\^`{|}\x7f\x80"))
        CHECK_FALSE(d::is_target(c));
}

TEST_CASE("hex digits and their values") {
    CHECK(d::hex_value('0') == 0);
    CHECK(d::hex_value('9') == 9);
    CHECK(d::hex_value('a') == 10);
    CHECK(d::hex_value('F') == 15);
    CHECK(d::is_hex('f'));
    CHECK_FALSE(d::is_hex('g'));
}

TEST_CASE("token lists are searched case-insensitively with OWS and empty elements") {
    CHECK(d::list_has_token("keep-alive, Upgrade", "upgrade"));
    CHECK(d::list_has_token(" ,close,", "CLOSE"));
    CHECK_FALSE(d::list_has_token("keep-alive, upgrades", "upgrade"));
    CHECK_FALSE(d::list_has_token("", "close"));
    CHECK(d::iequals("Content-Length", "content-length"));
    CHECK_FALSE(d::iequals("Content-Length", "content-lengt"));
}

TEST_CASE("iequals_lower folds case of the input only") {
    CHECK(d::iequals_lower("Content-Length", "content-length"));
    CHECK(d::iequals_lower("100-CONTINUE", "100-continue"));
    CHECK_FALSE(d::iequals_lower("Content-Lengtx", "content-length"));
    CHECK_FALSE(d::iequals_lower("chunke", "chunked"));
}

TEST_CASE("iequals_lower finds a difference at any position of any length (word steps and tail)") {
    const std::string lower = "transfer-encoding-x";
    for (std::size_t n = 1; n <= lower.size(); ++n) {
        const std::string_view want(lower.data(), n);
        std::string upper(want);
        for (char& c : upper)
            c = d::to_upper(c);
        CHECK(d::iequals_lower(upper, want));
        for (std::size_t i = 0; i < n; ++i) {
            std::string bad = upper;
            bad[i] = '_';
            CHECK_FALSE(d::iequals_lower(bad, want));
        }
    }
}
