#include "http/header.hpp"

#include <doctest/doctest.h>

#include <array>

#include "http/header_view.hpp"

using wire::http::canonical_header_key;
using wire::http::Field;
using wire::http::Header;
using wire::http::HeaderView;

TEST_CASE("canonical_header_key follows Go's CanonicalHeaderKey") {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"content-type", "Content-Type"},
        {"CONTENT-LENGTH", "Content-Length"},
        {"x-forwarded-for", "X-Forwarded-For"},
        {"www-authenticate", "Www-Authenticate"},
        {"a", "A"},
        {"-foo", "-Foo"},
        {"foo-", "Foo-"},
        {"foo--bar", "Foo--Bar"},
        {"sec-websocket-key", "Sec-Websocket-Key"},
        {"user-agent", "User-Agent"},
        {"host", "Host"},
        {"x_under", "X_under"},
        {"1abc-2def", "1abc-2def"},
        {"", ""},
        {"bad key", "bad key"},  // a space: returned as is
        {"foo:bar", "foo:bar"},  // not a token: returned as is
        {"caf\xc3\xa9", "caf\xc3\xa9"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        CHECK(canonical_header_key(c.in) == c.out);
    }
}

TEST_CASE("Header add/get/values/set/del are case-insensitive and keep order") {
    Header h;
    h.add("set-cookie", "a=1");
    h.add("Content-Type", "text/plain");
    h.add("SET-COOKIE", "b=2");
    CHECK(h.size() == 3);
    CHECK(h[0].name == "Set-Cookie");
    CHECK(h[2].name == "Set-Cookie");
    CHECK(h.get("set-cookie") == "a=1");
    CHECK(h.values("Set-Cookie") == std::vector<std::string_view>{"a=1", "b=2"});
    CHECK(h.get("missing").empty());
    CHECK_FALSE(h.has("missing"));

    h.set("Set-Cookie", "c=3");
    CHECK(h.values("set-cookie") == std::vector<std::string_view>{"c=3"});
    CHECK(h.get("content-type") == "text/plain");

    h.del("CONTENT-type");
    CHECK_FALSE(h.has("Content-Type"));
    CHECK(h.size() == 1);

    h.clear();
    CHECK(h.empty());
    h.add("x", "y");
    CHECK(h.get("X") == "y");
}

TEST_CASE("Header and HeaderView find tokens in comma-separated lists") {
    Header h;
    h.add("Connection", "keep-alive, Upgrade");
    h.add("Upgrade", "websocket");
    CHECK(h.has_token("connection", "upgrade"));
    CHECK(h.has_token("Connection", "KEEP-ALIVE"));
    CHECK_FALSE(h.has_token("Connection", "close"));
    CHECK_FALSE(h.has_token("Upgrade", "web"));

    const std::array<Field, 3> fields{
        {{"connection", "close"}, {"Accept", "text/html"}, {"CONNECTION", "foo, Upgrade"}}};
    HeaderView v(fields);
    CHECK(v.has_token("Connection", "upgrade"));
    CHECK(v.has_token("Connection", "close"));
    CHECK(v.count("Connection") == 2);
    CHECK(v.get("accept") == "text/html");
    CHECK(v.values("connection") == std::vector<std::string_view>{"close", "foo, Upgrade"});
    CHECK_FALSE(v.has("Host"));
    CHECK(v.get("Host").empty());
}

TEST_CASE("a warmed-up Header keeps its capacity across clear()") {
    Header h;
    for (int round = 0; round < 3; ++round) {
        h.clear();
        h.add("Content-Type", "text/plain; charset=utf-8");
        h.add("Content-Length", "13");
        CHECK(h.get("content-length") == "13");
    }
}
