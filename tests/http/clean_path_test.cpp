#include "http/clean_path.hpp"

#include <doctest/doctest.h>

TEST_CASE("clean_path matches Go's path.Clean table") {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        // Already clean.
        {"", "."},
        {"abc", "abc"},
        {"abc/def", "abc/def"},
        {"a/b/c", "a/b/c"},
        {".", "."},
        {"..", ".."},
        {"../..", "../.."},
        {"../../abc", "../../abc"},
        {"/abc", "/abc"},
        {"/", "/"},
        // Trailing slash removed.
        {"abc/", "abc"},
        {"abc/def/", "abc/def"},
        {"a/b/c/", "a/b/c"},
        {"./", "."},
        {"../", ".."},
        {"../../", "../.."},
        {"/abc/", "/abc"},
        // Doubled slashes.
        {"abc//def//ghi", "abc/def/ghi"},
        {"//abc", "/abc"},
        {"///abc", "/abc"},
        {"//abc//", "/abc"},
        {"abc//", "abc"},
        // "." elements.
        {"abc/./def", "abc/def"},
        {"/./abc/def", "/abc/def"},
        {"abc/.", "abc"},
        // ".." elements.
        {"abc/def/ghi/../jkl", "abc/def/jkl"},
        {"abc/def/../ghi/../jkl", "abc/jkl"},
        {"abc/def/..", "abc"},
        {"abc/def/../..", "."},
        {"/abc/def/../..", "/"},
        {"abc/def/../../..", ".."},
        {"/abc/def/../../..", "/"},
        {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},
        {"/../abc", "/abc"},
        // Combinations.
        {"abc/./../def", "def"},
        {"abc//./../def", "def"},
        {"abc/../../././../def", "../../def"},
        // Names that only look like dots.
        {"/.../a", "/.../a"},
        {"/a/..b/c", "/a/..b/c"},
        {"/a/b./c", "/a/b./c"},
        {".a", ".a"},
        {"/%2e%2e/x", "/%2e%2e/x"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(wire::http::clean_path(c.in) == c.out);
        // Cleaning is idempotent.
        CHECK(wire::http::clean_path(wire::http::clean_path(c.in)) == c.out);
    }
}
