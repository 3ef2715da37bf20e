// Fuzzes the router: arbitrary text as a pattern (refusals allowed, crashes not), each line as an
// extra pattern registered over a fixed route set, and each line's path part as a request path.
// Every routing answer is checked against the brute-force oracle, and every conflict message's
// example paths against the patterns they describe; a disagreement aborts.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/detail/pattern.hpp"
#include "http/detail/pattern_relation.hpp"
#include "http/router.hpp"
#include "tests/support/route_oracle.hpp"

namespace {

using namespace wire::http;

constexpr const char* fixed_routes[] = {
    "/",
    "/{$}",
    "GET /static/",
    "/b/{bucket}/o/{objectname...}",
    "/posts/{id}",
    "POST /posts/{id}",
    "/posts/{$}",
    "example.com/",
    "/a%2Fb/{x}",
    "HEAD /h",
    "GET /h",
    "/users/{u}/files/",
};

Router make_fixed() {
    Router r;
    for (const char* p : fixed_routes)
        (void)r.add(p);
    return r;
}

void check(bool ok) {
    if (!ok) std::abort();
}

// Routes `path` with a few methods and hosts; the tree must agree with the oracle.
void route_everywhere(const Router& router, std::string_view path) {
    static constexpr const char* methods[] = {"GET", "HEAD", "POST", "DELETE"};
    static constexpr const char* hosts[] = {"", "example.com:80", "other"};
    wire::test::RouteOracle oracle(router);
    RouteMatch m;
    for (const char* method : methods) {
        for (const char* host : hosts) {
            router.match(method, host, path, m);
            check(wire::test::describe(m) == oracle.route(method, host, path));
        }
    }
    check(!oracle.ambiguity_seen);
}

// Relations of a parsed pattern against the fixed ones must be consistent and provable.
void relate(const detail::Pattern& p, const Router& fixed) {
    using detail::Relation;
    for (std::size_t i = 0; i < fixed.size(); ++i) {
        const detail::Pattern& q = fixed.pattern(i);
        const Relation r = detail::compare_paths(p, q);
        if (r == Relation::disjoint) continue;
        const std::string both = detail::common_path(p, q);
        check(p.matches_path(both) && q.matches_path(both));
        if (r == Relation::overlaps || r == Relation::more_general) {
            const std::string only = detail::difference_path(p, q);
            check(p.matches_path(only) && !q.matches_path(only));
        }
        if (detail::conflicts(p, q)) (void)detail::describe_conflict(p, q);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Router fixed = make_fixed();
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // 1. The whole input as one pattern.
    try {
        relate(detail::parse_pattern(text), fixed);
    } catch (const std::invalid_argument&) {
    }

    // 2. Each line registered over the fixed routes; then route each line as a path.
    Router grown = make_fixed();
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl);
        try {
            (void)grown.add(line);
        } catch (const std::invalid_argument&) {
        }
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    rest = text;
    for (int lines = 0; !rest.empty() && lines < 8; ++lines) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        // Paths are taken after the pattern's method and host, so "GET h/a/b" routes "/a/b".
        if (const std::size_t slash = line.find('/'); slash != std::string_view::npos) {
            line.remove_prefix(slash);
        }
        route_everywhere(grown, line);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    }
    return 0;
}
