// A parsed ServeMux route pattern: `[METHOD ][HOST]/[PATH]`, Go 1.22's syntax.
//
//   "/index.html"                 any method, any host, exactly that path
//   "GET /static/"                GET (and so HEAD) for any path under /static/
//   "example.com/"                everything on host example.com
//   "example.com/{$}"             host example.com, path "/" only
//   "/b/{bucket}/o/{object...}"   a one-segment wildcard and a rest-of-path wildcard
//
// The path is stored as segments, in the shape every routing algorithm wants:
//   literal    one path segment, compared after unescaping ("a%20b" pattern == "a b" request)
//   wildcard   `{name}`: any one segment (never the trailing slash)
//   multi      `{name...}`, or a trailing '/' (anonymous): the rest of the path, one or more
//              segments where a trailing slash counts as one ("/a/" matches "/a/{x...}", x = "")
//   end        `{$}`: the trailing slash and nothing after it ("/a/{$}" matches only "/a/")
//
// Bad patterns are programmer errors: parse_pattern throws std::invalid_argument with a message
// naming the pattern and what is wrong with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/detail/scan.hpp"

namespace wire::http::detail {

// The most named wildcards one pattern may hold, so a match stores its values in fixed space.
inline constexpr std::size_t max_path_values = 16;

enum class SegmentKind : std::uint8_t { literal, wildcard, multi, end };

struct Segment {
    SegmentKind kind = SegmentKind::literal;
    // literal: the unescaped text; wildcard/multi: the name ("" for a trailing slash's multi).
    std::string text;
};

struct Pattern {
    std::string text;               // as registered, for messages
    std::string method;             // "" matches every method
    std::string host;               // "" matches every host; stored lower-case
    std::vector<Segment> segments;  // never empty: "/" alone is one anonymous multi
    std::size_t named_wildcards = 0;

    [[nodiscard]] bool ends_in_multi() const noexcept {
        return segments.back().kind == SegmentKind::multi;
    }
    // The name of the i-th named wildcard, in path order.
    [[nodiscard]] std::string_view wildcard_name(std::size_t i) const noexcept;

    // Single-pattern matching, used by explain() and as the oracle in tests; the router itself
    // walks a tree. `path` is the escaped request path, starting with '/'.
    [[nodiscard]] bool matches_path(std::string_view path) const noexcept;
    [[nodiscard]] bool matches_method(std::string_view request_method) const noexcept;
    [[nodiscard]] bool matches_host(std::string_view request_host) const noexcept;
};

// Parses `text`; throws std::invalid_argument("invalid route pattern \"...\": reason").
[[nodiscard]] Pattern parse_pattern(std::string_view text);

// One step along an escaped request path that starts with '/'. "/" alone is the trailing-slash
// step; otherwise `raw` is the escaped segment after the slash and `rest` begins at the next '/'.
struct PathStep {
    std::string_view raw;
    std::string_view rest;
    bool trailing_slash = false;
};
// Inline: the router takes one step per segment of every request.
[[nodiscard]] inline PathStep next_segment(std::string_view path) noexcept {
    if (path.size() == 1) return {{}, {}, true};
    const std::string_view body = path.substr(1);
    const std::size_t slash = find_byte(body, '/');
    if (slash == std::string_view::npos) return {body, {}, false};
    return {body.substr(0, slash), body.substr(slash), false};
}

// Host comparison ignores ASCII case (RFC 3986 §3.2.2: the host is case-insensitive).
[[nodiscard]] bool host_equals(std::string_view request_host,
                               std::string_view pattern_host) noexcept;

}  // namespace wire::http::detail
