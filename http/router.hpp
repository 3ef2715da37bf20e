// Router: the routing core of ServeMux, Go 1.22's patterns without any I/O.
//
//   wire::http::Router router;
//   const auto users = router.add("GET /users/{id}");    // throws on a bad or conflicting pattern
//   wire::http::RouteMatch m;                            // reuse one per connection
//   router.match("GET", "example.com", "/users/42", m);
//   if (m.outcome() == wire::http::RouteMatch::Outcome::matched && m.route() == users)
//       use(m.path_value("id"));                          // "42"
//
// Patterns are `[METHOD ][HOST]/[PATH]` (see http/detail/pattern.hpp for the grammar). Rules:
//   - The most specific pattern wins: one matching a strict subset of another's requests.
//   - Two patterns that overlap with neither more specific conflict; add() refuses the second
//     with a message naming both and a path they both match. So does an identical pattern.
//   - A pattern with a host beats any pattern without one.
//   - A GET pattern also matches HEAD (RFC 9110 §9.3.2).
//   - A path ending in '/' matches its subtree; `{$}` matches only that trailing slash.
//
// What match() expects and leaves to the caller (the server):
//   - `path` is the escaped request path (no query), already cleaned: Go answers a path with
//     "//", "." or ".." segments by a 301 to its http/url clean_path form, and the server does
//     that before asking the router. The router never splits on "%2F": segments are decoded one
//     by one, and wildcard values are the decoded text.
//   - `host` may carry a port (it is ignored); matching is case-insensitive (RFC 3986 §3.2.2).
//   - Outcome::redirect means "301 to redirect_path()": the path names a subtree `/tree/` that
//     is registered while `/tree` itself matches nothing exactly. Appending "?query" is the
//     caller's job.
//   - Outcome::method_not_allowed comes with allow(), the value for the 405's Allow header
//     (RFC 9110 §15.5.6), in sorted order, with HEAD wherever GET is allowed.
//
// Thread safety: add() must not run concurrently with anything; match() and explain() are const
// and may run on any number of threads at once. Matching allocates nothing once the RouteMatch
// has grown to the longest path it has seen.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/detail/pattern.hpp"
#include "http/detail/routing_tree.hpp"

namespace wire::http {

struct PathValue {
    std::string_view name;  // from the pattern; lives as long as the Router
    // Decoded. A view into the request path (when it had no escapes) or into the RouteMatch:
    // valid while both the path buffer and the RouteMatch are, until the RouteMatch is reused.
    std::string_view value;
};

// The outcome of routing one request. Reuse one object across requests: its buffers keep their
// capacity, so steady-state matching does not touch the heap. Every view it hands out stays
// valid until its next match(), or the Router's next add(); path values may also view the
// request path, which must outlive them.
class RouteMatch {
  public:
    enum class Outcome : std::uint8_t { not_found, matched, method_not_allowed, redirect };

    [[nodiscard]] Outcome outcome() const noexcept { return outcome_; }
    // matched: the id that Router::add returned for the winning pattern, and its text.
    [[nodiscard]] std::size_t route() const noexcept { return route_; }
    [[nodiscard]] std::string_view pattern() const noexcept { return pattern_; }
    // matched: the wildcard values in path order.
    [[nodiscard]] std::span<const PathValue> path_values() const noexcept {
        return {values_.data(), value_count_};
    }
    // matched: the value of wildcard `name`, or "" when there is none (as Go's PathValue).
    [[nodiscard]] std::string_view path_value(std::string_view name) const noexcept;
    // method_not_allowed: the Allow header value, e.g. "GET, HEAD, POST".
    [[nodiscard]] std::string_view allow() const noexcept { return allow_; }
    // redirect: the escaped path to send in Location (the request path plus '/').
    [[nodiscard]] std::string_view redirect_path() const noexcept { return redirect_; }

  private:
    friend class Router;
    void reset() noexcept;

    Outcome outcome_ = Outcome::not_found;
    std::size_t route_ = detail::no_route;
    std::string_view pattern_;
    std::array<PathValue, detail::max_path_values> values_{};
    std::size_t value_count_ = 0;
    std::string decoded_;   // backing store of the values that needed decoding
    std::string redirect_;  // also the probe path for the trailing-slash check
    std::string allow_;
    std::vector<std::string_view> methods_;
};

class Router {
  public:
    // Registers `pattern` and returns its route id (0, 1, 2... in registration order).
    // Throws std::invalid_argument when the pattern is malformed or conflicts with one already
    // registered; the router is unchanged then.
    std::size_t add(std::string_view pattern);

    // Routes one request; see the header comment for what each argument must be.
    void match(std::string_view method, std::string_view host, std::string_view path,
               RouteMatch& out) const;

    // A person-readable account of how a request is routed: the winner, the outcome, and each
    // pattern that matched the path but lost on host, method or precedence. For learners and
    // debugging; it scans every pattern and allocates.
    [[nodiscard]] std::string explain(std::string_view method, std::string_view host,
                                      std::string_view path) const;

    [[nodiscard]] std::size_t size() const noexcept { return patterns_.size(); }
    [[nodiscard]] const detail::Pattern& pattern(std::size_t route) const {
        return patterns_.at(route);
    }

  private:
    [[nodiscard]] bool exact_match(std::size_t route, std::string_view path) const noexcept;
    void fill_values(std::size_t route, const detail::Captures& captures, std::string_view path,
                     RouteMatch& out) const;
    void fill_allow(std::string_view host, std::string_view path, RouteMatch& out) const;

    [[nodiscard]] bool may_redirect(std::string_view path) const noexcept;

    std::vector<detail::Pattern> patterns_;
    detail::RoutingTree tree_;
    // Bit n set: some pattern ending in '/', `{$}` or `{name...}` has n segments (bit 63: 63 or
    // more). Only such a pattern can match "path/" exactly, so most requests skip that probe.
    std::uint64_t slash_ending_lengths_ = 0;
};

// The host part of a Host header value: "example.com:8080" -> "example.com",
// "[::1]:8080" -> "[::1]".
[[nodiscard]] std::string_view strip_port(std::string_view host) noexcept;

}  // namespace wire::http
