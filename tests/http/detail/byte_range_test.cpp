#include "http/detail/byte_range.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using wire::http::detail::ByteRange;
using wire::http::detail::content_range;
using wire::http::detail::content_range_unsatisfied;
using wire::http::detail::layout_byteranges;
using wire::http::detail::parse_range;
using wire::http::detail::RangeStatus;

TEST_CASE("parse_range: RFC 9110 §14.1.2 examples and edge cases, against a 10000-byte body") {
    struct Case {
        const char* value;
        RangeStatus status;
        std::vector<ByteRange> ranges;
    };
    const std::vector<Case> cases = {
        // RFC 9110 §14.1.2 examples.
        {"bytes=0-499", RangeStatus::satisfiable, {{0, 500}}},
        {"bytes=500-999", RangeStatus::satisfiable, {{500, 500}}},
        {"bytes=-500", RangeStatus::satisfiable, {{9500, 500}}},
        {"bytes=9500-", RangeStatus::satisfiable, {{9500, 500}}},
        {"bytes=0-0,-1", RangeStatus::satisfiable, {{0, 1}, {9999, 1}}},
        {"bytes= 0-999, 4500-5499, -1000",
         RangeStatus::satisfiable,
         {{0, 1000}, {4500, 1000}, {9000, 1000}}},
        {"bytes=500-600,601-999", RangeStatus::satisfiable, {{500, 101}, {601, 399}}},
        // Clipping (§14.1.1): last-pos past the end, suffix longer than the body.
        {"bytes=9000-20000", RangeStatus::satisfiable, {{9000, 1000}}},
        {"bytes=-20000", RangeStatus::satisfiable, {{0, 10000}}},
        {"bytes=0-18446744073709551615", RangeStatus::satisfiable, {{0, 10000}}},
        // Case-insensitive unit, empty list elements.
        {"BYTES=1-2", RangeStatus::satisfiable, {{1, 2}}},
        {"bytes=,1-2,,", RangeStatus::satisfiable, {{1, 2}}},
        // Unsatisfiable ranges are skipped; all of them -> 416.
        {"bytes=10000-", RangeStatus::unsatisfiable, {}},
        {"bytes=20000-30000", RangeStatus::unsatisfiable, {}},
        {"bytes=-0", RangeStatus::unsatisfiable, {}},
        {"bytes=20000-,5-9", RangeStatus::satisfiable, {{5, 5}}},
        // Ignored: no field, other units.
        {"", RangeStatus::ignore, {}},
        {"items=0-5", RangeStatus::ignore, {}},
        // Overlaps adding up to more than the body: sent whole.
        {"bytes=0-9999,0-9999", RangeStatus::ignore, {}},
        // Malformed.
        {"bytes", RangeStatus::malformed, {}},
        {"bytes=", RangeStatus::malformed, {}},
        {"bytes=,", RangeStatus::malformed, {}},
        {"bytes=5", RangeStatus::malformed, {}},
        {"bytes=-", RangeStatus::malformed, {}},
        {"bytes=5-4", RangeStatus::malformed, {}},
        {"bytes=a-5", RangeStatus::malformed, {}},
        {"bytes=1-b", RangeStatus::malformed, {}},
        {"bytes=+1-2", RangeStatus::malformed, {}},
        {"bytes=1 -2", RangeStatus::malformed, {}},
        {"bytes=--5", RangeStatus::malformed, {}},
        {"bytes=0-1,x", RangeStatus::malformed, {}},
        {"bytes=99999999999999999999-", RangeStatus::malformed, {}},
    };
    std::vector<ByteRange> out;
    for (const Case& c : cases) {
        CAPTURE(c.value);
        CHECK(parse_range(c.value, 10000, out) == c.status);
        CHECK(out == c.ranges);
    }
}

TEST_CASE("parse_range: an empty body satisfies nothing") {
    std::vector<ByteRange> out;
    CHECK(parse_range("bytes=0-", 0, out) == RangeStatus::unsatisfiable);
    CHECK(parse_range("bytes=-1", 0, out) == RangeStatus::unsatisfiable);
    CHECK(parse_range("bytes=0-0", 1, out) == RangeStatus::satisfiable);
    CHECK(out == std::vector<ByteRange>{{0, 1}});
}

TEST_CASE("parse_range: more than kMaxRanges ranges are ignored") {
    std::string many = "bytes=";
    for (int i = 0; i < 101; ++i)
        many += std::to_string(i) + "-" + std::to_string(i) + ",";
    std::vector<ByteRange> out;
    CHECK(parse_range(many, 10000, out) == RangeStatus::ignore);
    CHECK(out.empty());
}

TEST_CASE("content_range formats satisfied and unsatisfied ranges") {
    CHECK(content_range({0, 500}, 1234) == "bytes 0-499/1234");
    CHECK(content_range({1233, 1}, 1234) == "bytes 1233-1233/1234");
    CHECK(content_range_unsatisfied(1234) == "bytes */1234");
}

TEST_CASE("layout_byteranges: the RFC 9110 §14.6 shape and an exact Content-Length") {
    const std::vector<ByteRange> ranges = {{0, 3}, {7, 2}};
    const auto layout = layout_byteranges(ranges, 10, "text/plain", "XYZ");
    REQUIRE(layout.part_heads.size() == 2);
    const std::string body = "0123456789";
    std::string whole = layout.part_heads[0] + body.substr(0, 3) + layout.part_heads[1] +
                        body.substr(7, 2) + layout.tail;
    CHECK(whole ==
          "--XYZ\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-2/10\r\n\r\n012"
          "\r\n--XYZ\r\nContent-Type: text/plain\r\nContent-Range: bytes 7-8/10\r\n\r\n78"
          "\r\n--XYZ--\r\n");
    CHECK(layout.content_length == whole.size());

    const auto bare = layout_byteranges(ranges, 10, "", "b");
    CHECK(bare.part_heads[0] == "--b\r\nContent-Range: bytes 0-2/10\r\n\r\n");
}
