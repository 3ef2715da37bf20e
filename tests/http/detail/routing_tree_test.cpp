#include "http/detail/routing_tree.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace wire::http::detail;

namespace {

struct Tree {
    RoutingTree tree;
    std::vector<Pattern> patterns;
    explicit Tree(std::initializer_list<const char*> texts) {
        for (const char* t : texts) {
            patterns.push_back(parse_pattern(t));
            tree.insert(patterns.back(), patterns.size() - 1);
        }
    }
    // The winning pattern's text and the raw captures, or "none".
    std::string find(const char* method, const char* host, const char* path) const {
        Captures c;
        const std::size_t r = tree.find(method, host, path, c);
        if (r == no_route) return "none";
        std::string out = patterns[r].text;
        for (std::size_t i = 0; i < c.count; ++i)
            out += " [" + std::string(c.segments[i].view()) + "]";
        if (patterns[r].ends_in_multi()) out += " rest=" + std::string(c.rest);
        return out;
    }
};

}  // namespace

TEST_CASE("RoutingTree: literal first, then wildcard, then multi, backtracking on failure") {
    const Tree t({"/a/b/x", "/a/{y}/c", "/a/", "/{z}/b/d"});
    CHECK(t.find("GET", "", "/a/b/x") == "/a/b/x");
    // "b" takes the literal branch first, fails at "c", and backs up to the wildcard.
    CHECK(t.find("GET", "", "/a/b/c") == "/a/{y}/c [b]");
    // Neither deeper branch matches: the subtree at /a/ takes the rest.
    CHECK(t.find("GET", "", "/a/b/d") == "/a/ rest=b/d");
    CHECK(t.find("GET", "", "/q/b/d") == "/{z}/b/d [q]");
    CHECK(t.find("GET", "", "/q/b/e") == "none");
    // Captures from an abandoned branch are dropped.
    CHECK(t.find("GET", "", "/a/q/z") == "/a/ rest=q/z");
}

TEST_CASE("RoutingTree: method trees (HEAD falls back to GET) and host trees") {
    const Tree t({"GET /r", "HEAD /h", "/r/{x}", "h.com/r", "GET h.com/g/"});
    CHECK(t.find("GET", "", "/r") == "GET /r");
    CHECK(t.find("HEAD", "", "/r") == "GET /r");
    CHECK(t.find("POST", "", "/r") == "none");
    CHECK(t.find("HEAD", "", "/h") == "HEAD /h");
    CHECK(t.find("GET", "", "/h") == "none");
    CHECK(t.find("PUT", "", "/r/1") == "/r/{x} [1]");
    CHECK(t.find("POST", "h.com", "/r") == "h.com/r");
    CHECK(t.find("POST", "H.Com", "/r") == "h.com/r");
    CHECK(t.find("GET", "h.com", "/r/1") == "/r/{x} [1]");  // host tree misses, host-less hits
    CHECK(t.find("HEAD", "h.com", "/g/x") == "GET h.com/g/ rest=x");
    CHECK(t.find("GET", "", "") == "none");
    CHECK(t.find("GET", "", "r") == "none");
}

TEST_CASE("RoutingTree: escaped request segments match decoded literals") {
    const Tree t({"/a%20b/c", "/x%2Fy", "/m"});
    CHECK(t.find("GET", "", "/a%20b/c") == "/a%20b/c");
    CHECK(t.find("GET", "", "/x%2Fy") == "/x%2Fy");
    CHECK(t.find("GET", "", "/x%2fy") == "/x%2Fy");
    CHECK(t.find("GET", "", "/x/y") == "none");
    CHECK(t.find("GET", "", "/%6D") == "/m");
}

TEST_CASE("RoutingTree::allowed_methods lists method-specific routes only") {
    const Tree t({"GET /r", "POST /r", "/s", "PUT h.com/r"});
    std::vector<std::string_view> methods;
    t.tree.allowed_methods("", "/r", methods);
    CHECK(methods == std::vector<std::string_view>{"GET", "POST"});
    methods.clear();
    t.tree.allowed_methods("h.com", "/r", methods);
    CHECK(methods.size() == 3);
    methods.clear();
    t.tree.allowed_methods("", "/s", methods);
    CHECK(methods.empty());
}

TEST_CASE("RoutingTree: long escaped segments take the compare-each-key path") {
    const std::string literal(300, 'a');
    RoutingTree tree;
    const Pattern p = parse_pattern("/" + literal);
    const Pattern q = parse_pattern("/b");
    tree.insert(p, 0);
    tree.insert(q, 1);
    std::string escaped = "/";
    for (int i = 0; i < 300; ++i)
        escaped += "%61";  // 900 bytes, decodes to the literal
    Captures c;
    CHECK(tree.find("GET", "", escaped, c) == 0);
    CHECK(tree.find("GET", "", escaped + "%61", c) == no_route);
    CHECK(tree.find("GET", "", "/%62", c) == 1);  // short: decoded on the stack
}
