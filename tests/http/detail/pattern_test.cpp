#include "http/detail/pattern.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using wire::http::detail::parse_pattern;
using wire::http::detail::Pattern;
using wire::http::detail::SegmentKind;

namespace {

// "GET|example.com|a {id} {rest...} {$} {...}" : method, host, then each segment by kind.
std::string shape(const Pattern& p) {
    std::string out = p.method + "|" + p.host + "|";
    for (const auto& s : p.segments) {
        if (&s != &p.segments.front()) out += ' ';
        switch (s.kind) {
            case SegmentKind::literal:
                out += s.text;
                break;
            case SegmentKind::wildcard:
                out += "{" + s.text + "}";
                break;
            case SegmentKind::multi:
                out += "{" + s.text + "...}";
                break;
            case SegmentKind::end:
                out += "{$}";
                break;
        }
    }
    return out;
}

std::string rejection(const char* text) {
    try {
        (void)parse_pattern(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("parse_pattern: valid patterns and their segments") {
    struct Case {
        const char* text;
        const char* shape;
    };
    const Case cases[] = {
        {"/", "||{...}"},
        {"/index.html", "||index.html"},
        {"GET /static/", "GET||static {...}"},
        {"example.com/", "|example.com|{...}"},
        {"example.com/{$}", "|example.com|{$}"},
        {"/b/{bucket}/o/{objectname...}", "||b {bucket} o {objectname...}"},
        {"POST example.com/users/{id}/", "POST|example.com|users {id} {...}"},
        {"GET\t/x", "GET||x"},                   // a tab separates too
        {"GET   /x", "GET||x"},                  // and several spaces
        {"/a%20b/c", "||a b c"},                 // literals are unescaped
        {"/a%2Fb", "||a/b"},                     // "%2F" stays inside its segment
        {"/a%zzb", "||a%zzb"},                   // a malformed escape stays literal
        {"EXAMPLE.com/", "|example.com|{...}"},  // hosts are case-insensitive
        {"/posts/{$}", "||posts {$}"},
        {"/{_x1}/{Y}", "||{_x1} {Y}"},
        {"M-SEARCH /x", "M-SEARCH||x"},      // any token is a method
        {"CONNECT /a//b", "CONNECT||a  b"},  // CONNECT paths need not be clean (as Go)
    };
    for (const Case& c : cases) {
        const std::string text = c.text;
        CAPTURE(text);
        const Pattern p = parse_pattern(c.text);
        CHECK(shape(p) == c.shape);
        CHECK(p.text == c.text);
    }
}

TEST_CASE("parse_pattern: named wildcards are counted and listed in order") {
    const Pattern p = parse_pattern("/b/{bucket}/o/{object...}");
    CHECK(p.named_wildcards == 2);
    CHECK(p.wildcard_name(0) == "bucket");
    CHECK(p.wildcard_name(1) == "object");
    CHECK(p.wildcard_name(2).empty());
    CHECK(parse_pattern("/a/").named_wildcards == 0);
}

TEST_CASE("parse_pattern: invalid patterns are refused with a reason") {
    struct Case {
        const char* text;
        const char* reason;
    };
    const Case cases[] = {
        {"", "empty pattern"},
        {"GET", "missing '/'"},
        {"example.com", "missing '/'"},
        {" /x", "missing method"},
        {"G(T /x", "not a valid token"},
        {"{id}/x", "host contains a brace"},
        {"exa\x01mple.com/x", "control character"},
        {"/b_{bucket}", "whole segment"},
        {"/{id}.json", "whole segment"},
        {"/{id", "whole segment"},
        {"/id}", "whole segment"},
        {"/{$}/x", "{$} may only end"},
        {"/{rest...}/x", "may only end the path"},
        {"/{rest...}/", "may only end the path"},
        {"/{}", "needs a name"},
        {"/{...}", "needs a name"},
        {"/{1x}", "identifier"},
        {"/{a-b}", "identifier"},
        {"/{x}/{x}", "same wildcard name"},
        {"/{x}/{x...}", "same wildcard name"},
        {"/a//b", "not clean"},
        {"/a/./b", "not clean"},
        {"/a/../b", "not clean"},
        {"//", "not clean"},
        {"/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}/{k}/{l}/{m}/{n}/{o}/{p}/{q}", "more than 16"},
    };
    for (const Case& c : cases) {
        const std::string text = c.text;
        CAPTURE(text);
        const std::string message = rejection(c.text);
        CHECK(message.find(c.reason) != std::string::npos);
        // Every message names the pattern it refuses.
        CHECK(message.find(std::string("\"") + c.text + "\"") != std::string::npos);
    }
}

TEST_CASE("Pattern::matches_path: one pattern against escaped request paths") {
    struct Case {
        const char* pattern;
        const char* path;
        bool match;
    };
    const Case cases[] = {
        {"/", "/", true},
        {"/", "/anything/at/all", true},
        {"/{$}", "/", true},
        {"/{$}", "/a", false},
        {"/a", "/a", true},
        {"/a", "/a/", false},
        {"/a", "/b", false},
        {"/a/", "/a", false},  // the subtree, not its root without the slash
        {"/a/", "/a/", true},
        {"/a/", "/a/b/c", true},
        {"/a/{$}", "/a/", true},
        {"/a/{$}", "/a/b", false},
        {"/a/{x}", "/a/b", true},
        {"/a/{x}", "/a/", false},  // a one-segment wildcard never matches the trailing slash
        {"/a/{x}", "/a/b/c", false},
        {"/a/{x...}", "/a/", true},
        {"/a/{x...}", "/a/b/c", true},
        {"/a/{x...}", "/a", false},
        {"/a%20b", "/a%20b", true},
        {"/a%2Fb", "/a%2fb", true},  // escapes decode case-insensitively
        {"/a%2Fb", "/a/b", false},   // a real slash splits; an escaped one does not
        {"/{x}", "/a%2Fb", true},
        {"/a%zz", "/a%zz", true},  // malformed escapes compare as written
        {"/a", "", false},
        {"/a", "a", false},
    };
    for (const Case& c : cases) {
        const std::string pattern = c.pattern, path = c.path;
        CAPTURE(pattern);
        CAPTURE(path);
        CHECK(parse_pattern(c.pattern).matches_path(c.path) == c.match);
    }
}

TEST_CASE("Pattern: methods (GET also serves HEAD) and hosts (case-insensitive)") {
    CHECK(parse_pattern("GET /").matches_method("HEAD"));
    CHECK(parse_pattern("GET /").matches_method("GET"));
    CHECK_FALSE(parse_pattern("GET /").matches_method("POST"));
    CHECK_FALSE(parse_pattern("HEAD /").matches_method("GET"));
    CHECK_FALSE(parse_pattern("get /").matches_method("GET"));  // methods are case-sensitive
    CHECK(parse_pattern("/").matches_method("BREW"));
    CHECK(parse_pattern("Example.COM/").matches_host("example.com"));
    CHECK(parse_pattern("example.com/").matches_host("EXAMPLE.com"));
    CHECK_FALSE(parse_pattern("example.com/").matches_host("example.org"));
    CHECK_FALSE(parse_pattern("example.com/").matches_host(""));
    CHECK(parse_pattern("/").matches_host("anything"));
}
