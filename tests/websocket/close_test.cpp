#include "websocket/close.hpp"

#include <doctest/doctest.h>

#include "websocket/error.hpp"

using namespace wire::websocket;

namespace {
std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST_CASE("close code table (RFC 6455 §7.4, IANA registry)") {
    for (unsigned code = 0; code <= 65535; ++code) {
        bool expect = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
                      (code >= 3000 && code <= 4999);
        CAPTURE(code);
        REQUIRE(is_valid_close_code(static_cast<std::uint16_t>(code)) == expect);
    }
    CHECK_FALSE(is_valid_close_code(1004));  // reserved
    CHECK_FALSE(is_valid_close_code(1005));  // never on the wire
    CHECK_FALSE(is_valid_close_code(1006));
    CHECK_FALSE(is_valid_close_code(1015));
    CHECK_FALSE(is_valid_close_code(999));
    CHECK_FALSE(is_valid_close_code(2999));
    CHECK_FALSE(is_valid_close_code(5000));
}

TEST_CASE("parse_close_payload") {
    ClosePayload p;
    SUBCASE("empty body means no status") {
        CHECK_FALSE(parse_close_payload({}, p));
        CHECK(p.code == close_code::no_status);
        CHECK(p.reason.empty());
    }
    SUBCASE("code and reason") {
        CHECK_FALSE(parse_close_payload(bytes_of("\x03\xE8"
                                                 "bye"),
                                        p));
        CHECK(p.code == 1000);
        CHECK(p.reason == "bye");
    }
    SUBCASE("application code with a UTF-8 reason") {
        CHECK_FALSE(parse_close_payload(bytes_of("\x0F\xA0"
                                                 "caf\xC3\xA9"),
                                        p));
        CHECK(p.code == 4000);
        CHECK(p.reason == "caf\xC3\xA9");
    }
    SUBCASE("one byte is a protocol error") {
        CHECK(parse_close_payload(bytes_of("\x03"), p) ==
              make_error_code(Error::bad_close_payload));
    }
    SUBCASE("codes that may not be on the wire") {
        for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
            const char raw[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
            CAPTURE(code);
            CHECK(parse_close_payload(bytes_of({raw, 2}), p) ==
                  make_error_code(Error::bad_close_code));
        }
    }
    SUBCASE("invalid UTF-8 reason is 1007") {
        auto ec = parse_close_payload(bytes_of("\x03\xE8\xED\xA0\x80"), p);
        CHECK(ec == make_error_code(Error::invalid_utf8));
        CHECK(close_code_for(Error::invalid_utf8) == 1007);
    }
}

TEST_CASE("encode_close_payload validates what it sends") {
    std::uint8_t buf[125];
    std::error_code ec;
    CHECK(encode_close_payload(1001, "going", buf, ec) == 7);
    CHECK_FALSE(ec);
    ClosePayload p;
    CHECK_FALSE(parse_close_payload({buf, 7}, p));
    CHECK(p.code == 1001);
    CHECK(p.reason == "going");
    CHECK(encode_close_payload(close_code::no_status, "", buf, ec) == 0);
    CHECK_FALSE(ec);
    CHECK(encode_close_payload(1006, "", buf, ec) == 0);
    CHECK(ec == make_error_code(Error::bad_close_code));
    CHECK(encode_close_payload(1000, std::string(124, 'x'), buf, ec) == 0);
    CHECK(ec == make_error_code(Error::control_frame_too_long));
    CHECK(encode_close_payload(1000, std::string(123, 'x'), buf, ec) == 125);
    CHECK(encode_close_payload(1000, "\xC3", buf, ec) == 0);
    CHECK(ec == make_error_code(Error::invalid_utf8));
    CHECK(encode_close_payload(1000, "abc", std::span<std::uint8_t>(buf, 4), ec) == 0);
    CHECK(ec == make_error_code(Error::buffer_too_small));
}

TEST_CASE("format_close_message as gorilla's FormatCloseMessage") {
    CHECK(format_close_message(1000, "bye") == std::string("\x03\xE8"
                                                           "bye"));
    CHECK(format_close_message(4999, "") == std::string("\x13\x87"));
    CHECK(format_close_message(close_code::no_status, "ignored").empty());
}

TEST_CASE("fit_close_reason cuts at 123 bytes without splitting a UTF-8 character") {
    const std::string short_reason = "going away";
    CHECK(fit_close_reason(short_reason) == short_reason);
    const std::string exact(max_close_reason, 'a');
    CHECK(fit_close_reason(exact).size() == max_close_reason);
    // 122 ASCII bytes then "é" (2 bytes) straddles the limit: the whole character goes.
    const std::string straddle = std::string(122, 'a') + "\xC3\xA9" + "tail";
    CHECK(fit_close_reason(straddle) == std::string(122, 'a'));
    // 120 ASCII bytes then a 4-byte character ending exactly at 124: cut before it.
    const std::string four = std::string(120, 'a') + "\xF0\x9F\x98\x80" + "z";
    CHECK(fit_close_reason(four) == std::string(120, 'a'));
    // Whatever the input, the result is a close reason encode_close_payload accepts.
    std::uint8_t out[2 + max_close_reason];
    std::error_code ec;
    for (const std::string& s : {short_reason, exact, straddle, four}) {
        CHECK(encode_close_payload(1002, fit_close_reason(s), out, ec) > 0);
        CHECK_FALSE(ec);
    }
}
