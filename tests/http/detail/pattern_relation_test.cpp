#include "http/detail/pattern_relation.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::http::detail::common_path;
using wire::http::detail::compare;
using wire::http::detail::compare_paths;
using wire::http::detail::conflicts;
using wire::http::detail::describe_conflict;
using wire::http::detail::difference_path;
using wire::http::detail::parse_pattern;
using wire::http::detail::Relation;

namespace {

Relation inverse(Relation r) {
    if (r == Relation::more_general) return Relation::more_specific;
    if (r == Relation::more_specific) return Relation::more_general;
    return r;
}

}  // namespace

TEST_CASE("compare: how two patterns' request sets relate") {
    struct Case {
        const char* a;
        const char* b;
        Relation rel;
    };
    using R = Relation;
    const Case cases[] = {
        // Paths.
        {"/a", "/a", R::equivalent},
        {"/a", "/b", R::disjoint},
        {"/a", "/a/", R::disjoint},
        {"/a/b", "/a/", R::more_specific},
        {"/images/thumbnails/", "/images/", R::more_specific},  // Go's documented example
        {"/{x}", "/a", R::more_general},
        {"/{x}", "/{y}", R::equivalent},  // names do not matter
        {"/{x}", "/{$}", R::disjoint},    // a wildcard never matches the trailing slash
        {"/{$}", "/", R::more_specific},
        {"/a/{$}", "/a/", R::more_specific},
        {"/a/{$}", "/a/{x...}", R::more_specific},
        {"/a/{x...}", "/a/", R::equivalent},  // a named multi is still the subtree
        {"/a/{x}", "/{y}/b", R::overlaps},
        {"/a/{x}/c", "/{y}/b/{z}", R::overlaps},
        {"/a/b/", "/{x}/{y}/", R::more_specific},
        {"/a/b/c", "/a/", R::more_specific},
        {"/a/b", "/a/b/c", R::disjoint},
        {"/a/b/{$}", "/a/b", R::disjoint},
        {"/", "/{x...}", R::equivalent},
        // Methods.
        {"GET /", "/", R::more_specific},
        {"GET /", "HEAD /", R::more_general},  // GET serves HEAD as well
        {"GET /", "POST /", R::disjoint},
        {"GET /a", "POST /{x}", R::disjoint},
        {"HEAD /a", "GET /{x}", R::more_specific},
        // Methods and paths combined.
        {"GET /", "/index.html", R::overlaps},  // Go's documented conflict
        {"GET /a/", "/a/b", R::overlaps},
        {"GET /a/b", "/a/", R::more_specific},
        {"GET /a/{x}", "/a/", R::more_specific},
    };
    for (const Case& c : cases) {
        const std::string first = c.a, second = c.b;
        CAPTURE(first);
        CAPTURE(second);
        const auto a = parse_pattern(c.a);
        const auto b = parse_pattern(c.b);
        CHECK(compare(a, b) == c.rel);
        CHECK(compare(b, a) == inverse(c.rel));  // the relation reads the same both ways
    }
}

TEST_CASE("conflicts: equivalent or overlapping patterns on the same host") {
    struct Case {
        const char* a;
        const char* b;
        bool conflict;
    };
    const Case cases[] = {
        {"/a", "/a", true},
        {"/{x}", "/{y}", true},
        {"GET /", "/index.html", true},
        {"/a/{x}", "/{y}/b", true},
        {"/posts/{id}", "/{resource}/latest", true},
        {"/a/{x...}", "/a/", true},
        {"example.com/a", "example.com/a", true},
        {"EXAMPLE.com/a", "example.com/a", true},
        {"example.com/a", "/a", false},  // the host wins: no conflict
        {"example.com/a/{x}", "/{y}/b", false},
        {"example.com/a", "example.org/a", false},
        {"/images/thumbnails/", "/images/", false},
        {"GET /a", "POST /a", false},
        {"GET /a", "HEAD /a", false},
        {"/{$}", "/", false},
        {"GET /a/{x}", "/a/", false},
    };
    for (const Case& c : cases) {
        const std::string first = c.a, second = c.b;
        CAPTURE(first);
        CAPTURE(second);
        CHECK(conflicts(parse_pattern(c.a), parse_pattern(c.b)) == c.conflict);
        CHECK(conflicts(parse_pattern(c.b), parse_pattern(c.a)) == c.conflict);
    }
}

TEST_CASE("describe_conflict names both patterns and gives paths that prove it") {
    const char* pairs[][2] = {
        {"/a/{x}", "/{y}/b"},       {"/posts/{id}", "/{resource}/latest"},
        {"/a/{x}/c", "/{y}/b/{z}"}, {"/{x}/a/", "/a/{y}/{$}"},
        {"/a/", "/{x}/b"},          {"/x/{a}", "/{a}/y"},
        {"/{x}/c/", "/a/{y}/{$}"},  {"/{b}/{$}", "/a/"},
    };
    for (const auto& pair : pairs) {
        const std::string first = pair[0], second = pair[1];
        CAPTURE(first);
        CAPTURE(second);
        const auto a = parse_pattern(pair[0]);
        const auto b = parse_pattern(pair[1]);
        REQUIRE(compare_paths(a, b) == Relation::overlaps);
        const std::string both = common_path(a, b);
        const std::string only_a = difference_path(a, b);
        const std::string only_b = difference_path(b, a);
        CAPTURE(both);
        CAPTURE(only_a);
        CAPTURE(only_b);
        // The example paths really are what the message says they are.
        CHECK(a.matches_path(both));
        CHECK(b.matches_path(both));
        CHECK(a.matches_path(only_a));
        CHECK_FALSE(b.matches_path(only_a));
        CHECK(b.matches_path(only_b));
        CHECK_FALSE(a.matches_path(only_b));
        const std::string message = describe_conflict(a, b);
        CHECK(message.find(std::string("\"") + pair[0] + "\"") != std::string::npos);
        CHECK(message.find(std::string("\"") + pair[1] + "\"") != std::string::npos);
        CHECK(message.find("\"" + both + "\"") != std::string::npos);
        CHECK(message.find("\"" + only_a + "\"") != std::string::npos);
    }
}

TEST_CASE("describe_conflict: identical requests, and methods against paths") {
    const auto same = describe_conflict(parse_pattern("/{x}"), parse_pattern("/{y}"));
    CHECK(same.find("matches the same requests as \"/{y}\"") != std::string::npos);
    const auto docs = describe_conflict(parse_pattern("GET /"), parse_pattern("/index.html"));
    CHECK(docs.find("\"GET /\" matches fewer methods than \"/index.html\" but has a more general "
                    "path") != std::string::npos);
    CHECK(docs.find("\"/index.html\"") != std::string::npos);  // the path both match
    const auto rev = describe_conflict(parse_pattern("/index.html"), parse_pattern("GET /"));
    CHECK(rev.find("matches more methods than \"GET /\" but has a more specific path") !=
          std::string::npos);
}
