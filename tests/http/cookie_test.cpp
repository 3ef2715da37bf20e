#include "http/cookie.hpp"

#include <doctest/doctest.h>

#include <string>

using wire::http::Cookie;
using wire::http::format_cookie_header;
using wire::http::format_set_cookie;
using wire::http::parse_cookie_header;
using wire::http::parse_set_cookie;
using wire::http::SameSite;

namespace {

std::string pairs(const std::vector<Cookie>& cs) {
    std::string s;
    for (const Cookie& c : cs)
        s += "[" + c.name + "=" + c.value + (c.quoted ? "(q)" : "") + "]";
    return s;
}

}  // namespace

TEST_CASE("parse_cookie_header: RFC 6265 §4.2.1 pairs, invalid ones skipped (as Go)") {
    struct Case {
        const char* header;
        const char* want;
    };
    const Case cases[] = {
        {"SID=31d4d96e407aad42; lang=en-US", "[SID=31d4d96e407aad42][lang=en-US]"},
        {"a=1", "[a=1]"},
        {"  a = 1 ", ""},  // whitespace around "=" is not in the grammar: the name is invalid
        {"a=1;b=2", "[a=1][b=2]"},
        {"a=\"quoted\"", "[a=quoted(q)]"},
        {"a=", "[a=]"},
        {"a=\"\"", "[a=(q)]"},
        {"a=1; noequals; b=2", "[a=1][b=2]"},
        {"=nameless; c=3", "[c=3]"},
        {"bad name=1; d=4", "[d=4]"},
        {"e=has space; f=has,comma; g=back\\slash; h=ok", "[e=has space][f=has,comma][h=ok]"},
        {"i=\"unbalanced; j=5", "[j=5]"},
        {"k=caf\xc3\xa9; l=6", "[l=6]"},
        {";;; m=7 ;", "[m=7]"},
        {"", ""},
        {"dup=1; dup=2", "[dup=1][dup=2]"},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.header));
        CHECK(pairs(parse_cookie_header(c.header)) == c.want);
    }
    CHECK(pairs(parse_cookie_header("a=1; b=2; a=3", "a")) == "[a=1][a=3]");
}

TEST_CASE("format_set_cookie: attributes in Go's order, values sanitised") {
    Cookie c;
    c.name = "SID";
    c.value = "31d4d96e407aad42";
    c.path = "/";
    c.domain = "example.com";
    c.expires = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
    c.max_age = 3600;
    c.http_only = true;
    c.secure = true;
    c.same_site = SameSite::lax;
    CHECK(format_set_cookie(c) ==
          "SID=31d4d96e407aad42; Path=/; Domain=example.com; Expires=Sun, 06 Nov 1994 08:49:37 "
          "GMT; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");

    struct Case {
        Cookie cookie;
        const char* want;
    };
    auto make = [](std::string name, std::string value) {
        Cookie k;
        k.name = std::move(name);
        k.value = std::move(value);
        return k;
    };
    Cookie del = make("gone", "");
    del.max_age = -1;
    Cookie strict = make("s", "1");
    strict.same_site = SameSite::strict;
    Cookie none = make("n", "1");
    none.same_site = SameSite::none;
    none.secure = true;
    Cookie bad_path = make("p", "1");
    bad_path.path = "/a;b\r\nc";
    Cookie bad_domain = make("d", "1");
    bad_domain.domain = "bad domain;x";
    Cookie dot_domain = make("d", "1");
    dot_domain.domain = ".example.com";
    const Case cases[] = {
        {make("a", "b"), "a=b"},
        {make("a", "has space"), "a=\"has space\""},
        {make("a", "x,y"), "a=\"x,y\""},
        {make("a", "q\"u;o\\te\x01"), "a=quote"},
        {make("bad name", "x"), ""},
        {make("", "x"), ""},
        {del, "gone=; Max-Age=0"},
        {strict, "s=1; SameSite=Strict"},
        {none, "n=1; Secure; SameSite=None"},
        {bad_path, "p=1; Path=/abc"},
        {bad_domain, "d=1"},
        {dot_domain, "d=1; Domain=example.com"},
    };
    for (const Case& k : cases) {
        CAPTURE(k.cookie.name);
        CHECK(format_set_cookie(k.cookie) == k.want);
    }
}

TEST_CASE("parse_set_cookie: RFC 6265 §5.2 as a user agent reads it") {
    Cookie c;
    REQUIRE(parse_set_cookie(
        "SID=31d4d96e407aad42; Path=/docs; Domain=.Example.COM; Secure; HttpOnly; "
        "Expires=Wed, 09 Jun 2021 10:18:14 GMT; max-age=60; samesite=strict; Unknown=1",
        c));
    CHECK(c.name == "SID");
    CHECK(c.value == "31d4d96e407aad42");
    CHECK(c.path == "/docs");
    CHECK(c.domain == "example.com");
    CHECK(c.secure);
    CHECK(c.http_only);
    REQUIRE(c.expires.has_value());
    CHECK(*c.expires == 1623233894);
    CHECK(c.max_age == 60);
    CHECK(c.same_site == SameSite::strict);

    REQUIRE(parse_set_cookie(" lang = en-US ; Max-Age=0; Path=relative; Expires=never", c));
    CHECK(c.name == "lang");
    CHECK(c.value == "en-US");
    CHECK(c.max_age == -1);
    CHECK(c.path.empty());
    CHECK(!c.expires.has_value());

    REQUIRE(parse_set_cookie("q=\"v\"; Max-Age=abc", c));
    CHECK(c.value == "v");
    CHECK(c.quoted);
    CHECK(c.max_age == 0);

    for (const char* bad : {"", "novalue", "=v", "a b=c", "a=b\\c", "a=\"b"}) {
        CAPTURE(std::string(bad));
        CHECK(!parse_set_cookie(bad, c));
    }
}

TEST_CASE("Set-Cookie round trip and the Cookie header a client sends") {
    Cookie c;
    c.name = "id";
    c.value = "a b";
    c.path = "/x";
    c.max_age = 5;
    Cookie back;
    REQUIRE(parse_set_cookie(format_set_cookie(c), back));
    CHECK(back.value == "a b");
    CHECK(back.quoted);
    c.value = "ab";
    REQUIRE(parse_set_cookie(format_set_cookie(c), back));
    CHECK(back.name == "id");
    CHECK(back.value == "ab");
    CHECK(back.path == "/x");
    CHECK(back.max_age == 5);

    std::vector<Cookie> jar(3);
    jar[0].name = "a", jar[0].value = "1";
    jar[1].name = "bad name", jar[1].value = "2";
    jar[2].name = "c", jar[2].value = "x y";
    CHECK(format_cookie_header(jar) == "a=1; c=\"x y\"");
    CHECK(pairs(parse_cookie_header(format_cookie_header(jar))) == "[a=1][c=x y(q)]");
}
