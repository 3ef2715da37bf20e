// The tree router against the brute-force oracle, over generated patterns and paths.
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "http/router.hpp"
#include "tests/support/route_oracle.hpp"

namespace {

// A fixed-seed generator: the test is deterministic, and a failure reproduces.
struct Lcg {
    std::uint64_t state;
    std::size_t below(std::size_t n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((state >> 33) % n);
    }
    template <std::size_t N>
    const char* pick(const char* const (&items)[N]) {
        return items[below(N)];
    }
};

std::string random_pattern(Lcg& g) {
    static const char* const methods[] = {"", "", "GET ", "POST ", "HEAD "};
    static const char* const hosts[] = {"", "", "", "h.com"};
    static const char* const segments[] = {"a", "b", "{x}", "{y}", "a%2Fb"};
    static const char* const endings[] = {"", "", "/", "/{$}", "/{rest...}"};
    std::string p = std::string(g.pick(methods)) + g.pick(hosts);
    const std::size_t depth = g.below(4);
    for (std::size_t i = 0; i < depth; ++i) {
        std::string s = g.pick(segments);
        if (s[0] == '{') s.insert(s.size() - 1, std::to_string(i));  // distinct names
        p += "/" + s;
    }
    const std::string ending = g.pick(endings);
    p += (depth == 0 && ending.empty()) ? "/" : ending;
    return p;
}

std::string random_path(Lcg& g) {
    static const char* const segments[] = {"a", "b", "c", "%61", "a%2Fb", "%zz"};
    std::string path;
    const std::size_t depth = g.below(5);
    for (std::size_t i = 0; i < depth; ++i)
        path += std::string("/") + g.pick(segments);
    if (path.empty() || g.below(3) == 0) path += "/";
    return path;
}

}  // namespace

TEST_CASE("Router agrees with the brute-force oracle on generated routes") {
    static const char* const methods[] = {"GET", "HEAD", "POST", "PUT"};
    static const char* const hosts[] = {"", "h.com", "H.COM:8080", "other"};
    std::size_t registered = 0, refused = 0, requests = 0;
    for (std::uint64_t seed = 1; seed <= 150; ++seed) {
        Lcg g{seed};
        wire::http::Router router;
        for (int i = 0; i < 12; ++i) {
            try {
                (void)router.add(random_pattern(g));
                ++registered;
            } catch (const std::invalid_argument&) {
                ++refused;  // conflicts are expected; the oracle checks none slipped through
            }
        }
        wire::test::RouteOracle oracle(router);
        wire::http::RouteMatch m;
        for (int i = 0; i < 60; ++i) {
            const char* method = g.pick(methods);
            const char* host = g.pick(hosts);
            const std::string path = random_path(g);
            router.match(method, host, path, m);
            const std::string request = std::string(method) + " " + host + " " + path;
            CAPTURE(seed);
            CAPTURE(request);
            REQUIRE(wire::test::describe(m) == oracle.route(method, host, path));
            ++requests;
        }
        REQUIRE_FALSE(oracle.ambiguity_seen);
    }
    // The generator must exercise both outcomes of registration.
    CHECK(registered > 500);
    CHECK(refused > 200);
    CHECK(requests == 150 * 60);
}
