#include "http/detail/cookie_match.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::http::detail::canonical_host;
using wire::http::detail::default_path;
using wire::http::detail::domain_match;
using wire::http::detail::is_ip_address;
using wire::http::detail::path_match;

TEST_CASE("domain_match: RFC 6265 §5.1.3, identical or a dot-separated suffix of a host name") {
    struct Case {
        const char* host;
        const char* domain;
        bool want;
    };
    const Case cases[] = {
        {"example.com", "example.com", true},
        {"www.example.com", "example.com", true},
        {"a.b.example.com", "example.com", true},
        {"a.b.example.com", "b.example.com", true},
        {"www.example.com", "com", true},  // a public suffix matches too; the jar decides
        {"example.com", "www.example.com", false},
        {"badexample.com", "example.com", false},  // the character before must be "."
        {"example.com", "xample.com", false},
        {"example.com", ".example.com", false},  // the leading dot is gone before matching
        {"example.com", "", false},
        {"www.example.com", "example.org", false},
        {"127.0.0.1", "127.0.0.1", true},
        {"127.0.0.1", "0.0.1", false},  // an IP address only matches itself
        {"10.1.2.3", "2.3", false},
        {"::1", "::1", true},
        {"1.2.3.4.example", "3.4.example", true},  // a name that merely looks numeric
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.host));
        CAPTURE(std::string(c.domain));
        CHECK(domain_match(c.host, c.domain) == c.want);
    }
}

TEST_CASE("default_path: RFC 6265 §5.1.4, the request path up to its right-most slash") {
    struct Case {
        const char* path;
        const char* want;
    };
    const Case cases[] = {
        {"", "/"},          {"/", "/"},        {"abc", "/"},  // not starting with "/"
        {"/abc", "/"},      {"/abc/", "/abc"}, {"/abc/def", "/abc"},
        {"/a/b/c", "/a/b"}, {"//", "/"},       {"/a//b", "/a/"},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.path));
        CHECK(default_path(c.path) == c.want);
    }
}

TEST_CASE("path_match: RFC 6265 §5.1.4, identical or a prefix ending at a slash") {
    struct Case {
        const char* request;
        const char* cookie;
        bool want;
    };
    const Case cases[] = {
        {"/", "/", true},
        {"/anything", "/", true},
        {"/docs", "/docs", true},
        {"/docs/", "/docs", true},
        {"/docs/web", "/docs", true},
        {"/docs/web", "/docs/", true},
        {"/docsearch", "/docs", false},  // a prefix, but not at a path segment boundary
        {"/doc", "/docs", false},
        {"/Docs", "/docs", false},  // paths are case-sensitive
        {"/docs", "/docs/", false},
        {"/", "/docs", false},
        {"/x", "", false},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.request));
        CAPTURE(std::string(c.cookie));
        CHECK(path_match(c.request, c.cookie) == c.want);
    }
}

TEST_CASE("canonical_host and is_ip_address") {
    CHECK(canonical_host("WWW.Example.COM") == "www.example.com");
    CHECK(canonical_host("example.com.") == "example.com");
    CHECK(canonical_host("[::1]") == "::1");
    CHECK(canonical_host("") == "");
    CHECK(is_ip_address("127.0.0.1"));
    CHECK(is_ip_address("::1"));
    CHECK(is_ip_address("2001:db8::7"));
    CHECK_FALSE(is_ip_address("localhost"));
    CHECK_FALSE(is_ip_address("1.2.3"));
    CHECK_FALSE(is_ip_address("256.1.1.1"));
    CHECK_FALSE(is_ip_address(""));
    CHECK_FALSE(is_ip_address(std::string(100, '1')));
}
