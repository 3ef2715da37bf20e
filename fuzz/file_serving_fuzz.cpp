// File-serving helpers fuzz target. The input is "<size>\n<Range value>\n<If-None-Match>\n<path>".
//   1. parse_range: satisfiable ranges lie inside the body, are non-empty, add up to at most
//      the body, and are at most kMaxRanges; other outcomes carry no ranges; the
//      multipart/byteranges layout's Content-Length is exactly the bytes it describes;
//   2. etag_list_matches and evaluate_preconditions never fail loudly;
//   3. url_path_to_relative never yields an absolute path or a ".." element.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/detail/byte_range.hpp"
#include "http/detail/conditional.hpp"
#include "http/detail/etag.hpp"
#include "http/detail/safe_path.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

std::string_view next_line(std::string_view& in) {
    const std::size_t nl = in.find('\n');
    const std::string_view line = in.substr(0, nl);
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::http::detail;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::uint64_t body = 0;
    for (char c : next_line(in).substr(0, 18)) {
        if (c >= '0' && c <= '9') body = body * 10 + static_cast<std::uint64_t>(c - '0');
    }
    const std::string_view range = next_line(in);
    const std::string_view inm = next_line(in);
    const std::string_view path = in;

    std::vector<ByteRange> ranges;
    const RangeStatus st = parse_range(range, body, ranges);
    if (st == RangeStatus::satisfiable) {
        check(!ranges.empty() && ranges.size() <= kMaxRanges);
        std::uint64_t total = 0;
        for (const ByteRange& r : ranges) {
            check(r.length > 0 && r.start < body && r.length <= body - r.start);
            total += r.length;
        }
        check(total <= body);
        const auto layout = layout_byteranges(ranges, body, "text/plain", "b0und");
        std::uint64_t bytes = layout.tail.size();
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            bytes += layout.part_heads[i].size() + ranges[i].length;
        }
        check(bytes == layout.content_length);
    } else {
        check(ranges.empty());
    }

    (void)etag_list_matches(inm, "\"v1\"", true);
    (void)etag_list_matches(inm, "W/\"v1\"", false);
    ConditionalFields f;
    f.method = "GET";
    f.if_none_match = inm;
    f.if_modified_since = range;
    f.if_range = inm;
    f.range = range;
    const auto r = evaluate_preconditions(f, "\"v1\"", 784111777);
    check(r.range.empty() || r.range == range);

    std::string rel;
    if (!url_path_to_relative(path, rel)) {
        check(!rel.empty() && rel.front() != '/');
        std::string_view p = rel;
        while (!p.empty()) {
            const std::size_t slash = p.find('/');
            check(p.substr(0, slash) != "..");
            if (slash == std::string_view::npos) break;
            p.remove_prefix(slash + 1);
        }
    }
    return 0;
}
