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
