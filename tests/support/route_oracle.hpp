// A brute-force router: scans every pattern and applies Go's rules literally. The real router
// walks a tree; tests and the router fuzz target check that both always agree.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "http/detail/pattern.hpp"
#include "http/detail/pattern_relation.hpp"
#include "http/router.hpp"

namespace wire::test {

// The outcome in one line: "<pattern>", "404", "405 <Allow>" or "301 <location>".
inline std::string describe(const http::RouteMatch& m) {
    switch (m.outcome()) {
        case http::RouteMatch::Outcome::matched:
            return std::string(m.pattern());
        case http::RouteMatch::Outcome::not_found:
            return "404";
        case http::RouteMatch::Outcome::method_not_allowed:
            return "405 " + std::string(m.allow());
        case http::RouteMatch::Outcome::redirect:
            return "301 " + std::string(m.redirect_path());
    }
    return "?";
}

class RouteOracle {
  public:
    explicit RouteOracle(const http::Router& router) : router_(router) {}

    [[nodiscard]] std::string route(std::string_view method, std::string_view host,
                                    std::string_view path) const {
        host = http::strip_port(host);
        if (path.empty() || path[0] != '/') return "404";
        const http::detail::Pattern* best = most_specific(method, host, path);
        if (path.back() != '/' && (!best || !exact(*best, path))) {
            const std::string slashed = std::string(path) + "/";
            const http::detail::Pattern* b2 = most_specific(method, host, slashed);
            if (b2 && exact(*b2, slashed)) return "301 " + slashed;
        }
        if (best) return best->text;
        std::vector<std::string> methods;
        collect_methods(host, path, methods);
        if (path.back() != '/') collect_methods(host, std::string(path) + "/", methods);
        if (methods.empty()) return "404";
        if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) {
            methods.push_back("HEAD");
        }
        std::sort(methods.begin(), methods.end());
        methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
        std::string allow = "405 ";
        for (const auto& m : methods)
            allow += (allow.size() > 4 ? ", " : "") + m;
        return allow;
    }

    // Set when two patterns matched one request with neither more specific: a missed conflict.
    bool ambiguity_seen = false;

  private:
    static bool exact(const http::detail::Pattern& p, std::string_view path) {
        if (!p.ends_in_multi()) return true;
        if (path.back() != '/') return false;
        return p.segments.size() ==
               static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
    }

    // Host-specific patterns first (Go's compatibility rule), then the most specific of the rest.
    const http::detail::Pattern* most_specific(std::string_view method, std::string_view host,
                                               std::string_view path) const {
        for (int with_host = 1; with_host >= 0; --with_host) {
            const http::detail::Pattern* best = nullptr;
            for (std::size_t i = 0; i < router_.size(); ++i) {
                const auto& p = router_.pattern(i);
                if (p.host.empty() == (with_host == 1)) continue;
                if (!p.matches_host(host) || !p.matches_method(method) || !p.matches_path(path)) {
                    continue;
                }
                if (!best ||
                    http::detail::compare(p, *best) == http::detail::Relation::more_specific) {
                    best = &p;
                }
            }
            if (best) {
                check_unique(*best, method, host, path, with_host == 1);
                return best;
            }
        }
        return nullptr;
    }

    void check_unique(const http::detail::Pattern& best, std::string_view method,
                      std::string_view host, std::string_view path, bool with_host) const {
        for (std::size_t i = 0; i < router_.size(); ++i) {
            const auto& p = router_.pattern(i);
            if (&p == &best || p.host.empty() == with_host) continue;
            if (!p.matches_host(host) || !p.matches_method(method) || !p.matches_path(path))
                continue;
            if (http::detail::compare(best, p) != http::detail::Relation::more_specific) {
                const_cast<RouteOracle*>(this)->ambiguity_seen = true;
            }
        }
    }

    void collect_methods(std::string_view host, std::string_view path,
                         std::vector<std::string>& out) const {
        for (std::size_t i = 0; i < router_.size(); ++i) {
            const auto& p = router_.pattern(i);
            if (!p.method.empty() && p.matches_host(host) && p.matches_path(path)) {
                out.push_back(p.method);
            }
        }
    }

    const http::Router& router_;
};

}  // namespace wire::test
