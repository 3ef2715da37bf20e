#include "http/url.hpp"

#include <doctest/doctest.h>

#include "http/error.hpp"

using wire::http::Error;
using wire::http::TargetForm;
using wire::http::UrlView;

TEST_CASE("parse_url splits RFC 3986 components") {
    struct Case {
        const char* in;
        const char *scheme, *userinfo, *host, *port, *path, *query, *fragment;
    };
    const Case cases[] = {
        {"http://example.com", "http", "", "example.com", "", "", "", ""},
        {"https://u:p@example.com:8443/a/b?x=1&y#frag", "https", "u:p", "example.com", "8443",
         "/a/b", "x=1&y", "frag"},
        {"http://[::1]:80/", "http", "", "[::1]", "80", "/", "", ""},
        {"http://[fe80::1%25eth0]/", "http", "", "[fe80::1%25eth0]", "", "/", "", ""},
        {"/just/a/path?q", "", "", "", "", "/just/a/path", "q", ""},
        {"relative/path", "", "", "", "", "relative/path", "", ""},
        {"//host/p", "", "", "host", "", "/p", "", ""},
        {"mailto:someone@example.com", "mailto", "", "", "", "someone@example.com", "", ""},
        {"urn:isbn:0451450523", "urn", "", "", "", "isbn:0451450523", "", ""},
        {"http://h/%7Euser/a%20b", "http", "", "h", "", "/%7Euser/a%20b", "", ""},
        {"?only=query", "", "", "", "", "", "only=query", ""},
        {"#only-fragment", "", "", "", "", "", "", "only-fragment"},
        {"http://h:/p", "http", "", "h", "", "/p", "", ""},
        {"a:b:c/d", "a", "", "", "", "b:c/d", "", ""},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        UrlView u;
        REQUIRE_FALSE(wire::http::parse_url(c.in, u));
        CHECK(u.scheme == c.scheme);
        CHECK(u.userinfo == c.userinfo);
        CHECK(u.host == c.host);
        CHECK(u.port == c.port);
        CHECK(u.path == c.path);
        CHECK(u.query == c.query);
        CHECK(u.fragment == c.fragment);
    }
}

TEST_CASE("parse_url rejects text outside the grammar") {
    const std::pair<const char*, Error> cases[] = {
        {"http://exa mple.com/", Error::bad_url},
        {"http://h/a b", Error::bad_url},
        {"http://h:80x/", Error::bad_url},
        {"http://[::1/", Error::bad_url},
        {"http://h/%zz", Error::bad_percent_encoding},
        {"http://h/%4", Error::bad_percent_encoding},
        {"http://h/a\"b", Error::bad_url},
        {"http://h/a{b}", Error::bad_url},
        {"1a:b", Error::bad_url},  // a relative path whose first segment has ':'
        {"http://h/\x01", Error::bad_url},
        {"http://h/#a#b", Error::bad_url},
    };
    for (const auto& c : cases) {
        CAPTURE(c.first);
        UrlView u;
        const std::error_code ec = wire::http::parse_url(c.first, u);
        CHECK(ec == c.second);
    }
}

TEST_CASE("parse_request_target knows the four forms of RFC 9112 §3.2") {
    wire::http::RequestTarget t;
    REQUIRE_FALSE(wire::http::parse_request_target("GET", "/where?q=now", t));
    CHECK(t.form == TargetForm::origin);
    CHECK(t.url.path == "/where");
    CHECK(t.url.query == "q=now");

    REQUIRE_FALSE(wire::http::parse_request_target("GET", "//double/slash", t));
    CHECK(t.form == TargetForm::origin);
    CHECK(t.url.path == "//double/slash");
    CHECK(t.url.host.empty());

    REQUIRE_FALSE(wire::http::parse_request_target(
        "GET", "http://www.example.org/pub/WWW/TheProject.html", t));
    CHECK(t.form == TargetForm::absolute);
    CHECK(t.url.host == "www.example.org");
    CHECK(t.url.path == "/pub/WWW/TheProject.html");

    REQUIRE_FALSE(wire::http::parse_request_target("CONNECT", "www.example.com:80", t));
    CHECK(t.form == TargetForm::authority);
    CHECK(t.url.host == "www.example.com");
    CHECK(t.url.port == "80");

    REQUIRE_FALSE(wire::http::parse_request_target("OPTIONS", "*", t));
    CHECK(t.form == TargetForm::asterisk);

    CHECK(wire::http::parse_request_target("GET", "*", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("CONNECT", "/path", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("CONNECT", "host-without-port", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("GET", "example.com:80", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("GET", "", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("GET", "/a#frag", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("GET", "http://h/#frag", t) == Error::bad_url);
    CHECK(wire::http::parse_request_target("GET", "/a%zz", t) == Error::bad_percent_encoding);
}

TEST_CASE("Url (Go's url.URL): the path and fragment decoded, the query kept as sent") {
    wire::http::Url u;
    REQUIRE_FALSE(
        wire::http::parse_url("http://u:p@Example.com:8080/a%20b/c%2Fd?x=1&y=%41#f%20g", u));
    CHECK(u.scheme == "http");
    CHECK(u.user == "u:p");
    CHECK(u.host == "Example.com:8080");
    CHECK(u.hostname() == "Example.com");
    CHECK(u.port() == "8080");
    CHECK(u.path == "/a b/c/d");
    CHECK(u.raw_path == "/a%20b/c%2Fd");
    CHECK(u.escaped_path() == "/a%20b/c%2Fd");  // the "%2F" survives, unlike re-encoding
    CHECK(u.raw_query == "x=1&y=%41");
    CHECK(u.query().get("y") == "A");
    CHECK(u.fragment == "f g");
    CHECK(u.request_uri() == "/a%20b/c%2Fd?x=1&y=%41");
    CHECK(u.string() == "http://u:p@Example.com:8080/a%20b/c%2Fd?x=1&y=%41#f%20g");
    CHECK(u.is_abs());

    REQUIRE_FALSE(wire::http::parse_url("http://[::1]:9/", u));
    CHECK(u.hostname() == "::1");
    CHECK(u.port() == "9");
    REQUIRE_FALSE(wire::http::parse_url("http://[::1]/", u));
    CHECK(u.port().empty());
    CHECK(u.request_uri() == "/");

    // "?" with nothing after it is remembered (Go's ForceQuery) and written back.
    REQUIRE_FALSE(wire::http::parse_url("/p?", u));
    CHECK(u.force_query);
    CHECK_FALSE(u.is_abs());
    CHECK(u.string() == "/p?");

    // A path starting "//" keeps an empty authority in front, or it would read back as a host.
    REQUIRE_FALSE(wire::http::parse_url("http:////x", u));
    CHECK(u.host.empty());
    CHECK(u.path == "//x");
    CHECK(u.string() == "http:////x");

    // A path built by hand, without raw_path, is encoded on the way out.
    wire::http::Url built;
    built.scheme = "http";
    built.host = "h";
    built.path = "/a b";
    CHECK(built.escaped_path() == "/a%20b");
    CHECK(built.string() == "http://h/a%20b");
}

TEST_CASE("Url: a bad percent sequence is an error and leaves the Url empty") {
    wire::http::Url u;
    u.path = "stale";
    CHECK(wire::http::parse_url("/a%zz", u) == Error::bad_percent_encoding);
    CHECK(u.path.empty());
    CHECK(u.raw_path.empty());
}

TEST_CASE("parse_request_uri: the four request-target forms (RFC 9112 §3.2)") {
    wire::http::Url u;
    REQUIRE_FALSE(wire::http::parse_request_uri("GET", "/s%C3%A9?q=1", u));
    CHECK(u.path == "/s\xC3\xA9");
    CHECK(u.raw_query == "q=1");
    CHECK(u.host.empty());
    REQUIRE_FALSE(wire::http::parse_request_uri("GET", "http://proxy.example:81/x", u));
    CHECK(u.scheme == "http");
    CHECK(u.host == "proxy.example:81");
    CHECK(u.path == "/x");
    REQUIRE_FALSE(wire::http::parse_request_uri("CONNECT", "example.com:443", u));
    CHECK(u.host == "example.com:443");
    CHECK(u.path.empty());
    REQUIRE_FALSE(wire::http::parse_request_uri("OPTIONS", "*", u));
    CHECK(u.path == "*");
    CHECK(wire::http::parse_request_uri("GET", "*", u));
    CHECK(u.path.empty());
}
