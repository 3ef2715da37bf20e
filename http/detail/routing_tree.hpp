// The tree the router walks: host, then method, then one level per path segment.
//
// Each path node has literal children (sorted, binary-searched), at most one `{name}` child, one
// `{$}` child and one multi child. Lookup tries them in that order and backtracks on failure:
// literal before wildcard before multi is exactly "more specific first", and because conflicting
// patterns are refused at registration, the first complete match is the most specific one.
// Cost is one step per request segment (plus backtracking bounded by the patterns' shape), not
// one comparison per registered pattern.
//
// The tree is immutable while matching; find() and allowed_methods() are const and allocate
// nothing. Wildcard values are returned still escaped, as views into the request path.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/detail/pattern.hpp"

namespace wire::http::detail {

inline constexpr std::size_t no_route = static_cast<std::size_t>(-1);

// What a walk captured: one escaped segment per `{name}` in path order, and the escaped rest of
// the path (without its leading slash) where a multi matched. The array is deliberately left
// uninitialised (only the first `count` entries are ever read): zeroing it would cost more than
// a whole short match.
struct Captures {
    struct Piece {
        const char* data;
        std::size_t size;
        [[nodiscard]] std::string_view view() const noexcept { return {data, size}; }
    };
    std::array<Piece, max_path_values> segments;
    std::size_t count = 0;
    std::string_view rest{};
};

struct RouteNode {
    std::size_t route = no_route;  // the pattern that ends at this node
    std::vector<std::pair<std::string, std::unique_ptr<RouteNode>>>
        literals;                         // by length, then bytes
    std::unique_ptr<RouteNode> wildcard;  // `{name}`
    std::unique_ptr<RouteNode> end;       // `{$}`
    std::unique_ptr<RouteNode> multi;     // `{name...}`, '/'
};

class RoutingTree {
  public:
    // Adds `pattern` as `route`. The caller has already refused conflicts, so the slot is free.
    void insert(const Pattern& pattern, std::size_t route);

    // The route for a request, or no_route. `host` is without its port ("" when absent).
    [[nodiscard]] std::size_t find(std::string_view method, std::string_view host,
                                   std::string_view path, Captures& captures) const noexcept;

    // Whether some pattern names a host; if none does, requests' hosts never matter.
    [[nodiscard]] bool has_hosts() const noexcept { return !hosts_.empty(); }

    // Appends each method for which some method-specific route matches host and path.
    void allowed_methods(std::string_view host, std::string_view path,
                         std::vector<std::string_view>& out) const;

  private:
    struct MethodTree {
        std::string method;  // "" = any method
        RouteNode root;
    };
    struct HostTree {
        std::string host;  // "" = any host
        std::vector<MethodTree> methods;
    };

    [[nodiscard]] const HostTree* host_tree(std::string_view host) const noexcept;
    [[nodiscard]] HostTree& host_tree_for_insert(const std::string& host);
    [[nodiscard]] static std::size_t find_in(const HostTree& tree, std::string_view method,
                                             std::string_view path, Captures& captures) noexcept;

    HostTree any_host_;            // patterns without a host, the common case
    std::vector<HostTree> hosts_;  // one per host named in a pattern
};

// Walks one path tree; exposed for tests.
[[nodiscard]] std::size_t walk(const RouteNode& node, std::string_view path,
                               Captures& captures) noexcept;

}  // namespace wire::http::detail
