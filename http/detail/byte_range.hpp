// Byte ranges for the file server (RFC 9110 §14): parsing the Range field against a
// representation's length, the Content-Range value, and the layout of a multipart/byteranges
// body (RFC 9110 §14.6). Pure: strings in, numbers and strings out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wire::http::detail {

// A satisfiable range, already clipped to the representation: bytes [start, start + length).
struct ByteRange {
    std::uint64_t start = 0;
    std::uint64_t length = 0;

    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

enum class RangeStatus : std::uint8_t {
    ignore,         // no Range, a unit other than bytes, or a request to ignore: send 200
    satisfiable,    // send 206 with the ranges
    unsatisfiable,  // send 416 with "Content-Range: bytes */length" (RFC 9110 §15.5.17)
    malformed,      // not ranges-specifier syntax: answered with 416, as Go does
};

// The most ranges one request may ask for; more is treated as an attack and ignored
// (RFC 9110 §14.2 lets a server ignore a Range with many small or overlapping ranges).
inline constexpr std::size_t kMaxRanges = 100;

//   Range            = ranges-specifier                       (RFC 9110 §14.2)
//   ranges-specifier = range-unit "=" range-set
//   range-set        = 1#range-spec
//   range-spec       = int-range / suffix-range / other-range
//   int-range        = first-pos "-" [ last-pos ]
//   suffix-range     = "-" suffix-length
//
// Parses `value` for a representation of `size` bytes into `out` (cleared first), keeping the
// satisfiable ranges in request order. Rules:
//   - a unit other than "bytes" is ignored (RFC 9110 §14.2: "MUST ignore");
//   - int-range with first-pos >= size, and a zero suffix-length, are unsatisfiable and skipped;
//     if none is left the answer is unsatisfiable (§14.1.1);
//   - last-pos past the end, and a suffix longer than the body, are clipped (§14.1.2);
//   - more than kMaxRanges, or ranges adding up to more than the body (overlaps), are ignored
//     and the whole body is sent (§14.2: defence against range amplification), as Go does.
RangeStatus parse_range(std::string_view value, std::uint64_t size, std::vector<ByteRange>& out);

// "bytes 0-499/1234" (RFC 9110 §14.4); with an empty range list, "bytes */1234" for a 416.
std::string content_range(const ByteRange& r, std::uint64_t size);
std::string content_range_unsatisfied(std::uint64_t size);

// The bytes around each range of a multipart/byteranges body (RFC 9110 §14.6, RFC 2046 §5.1):
// the body is  part_heads[0], range 0, part_heads[1], range 1, ..., tail.
struct ByterangesLayout {
    std::vector<std::string> part_heads;  // delimiter, Content-Type, Content-Range, blank line
    std::string tail;                     // close-delimiter
    std::uint64_t content_length = 0;     // of the whole body, for Content-Length
};

// `content_type` may be empty (no Content-Type in the parts). `boundary` must be 1..70
// bchars (RFC 2046 §5.1.1); the caller makes it random.
ByterangesLayout layout_byteranges(std::span<const ByteRange> ranges, std::uint64_t size,
                                   std::string_view content_type, std::string_view boundary);

}  // namespace wire::http::detail
