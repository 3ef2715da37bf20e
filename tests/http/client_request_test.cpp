// new_request (Go's NewRequest) and ClientRequest's helpers, without a network.
#include <doctest/doctest.h>

#include "http/client.hpp"
#include "http/error.hpp"

using wire::http::Error;
using wire::http::new_request;

TEST_CASE("new_request: method and URL checked up front, errors as values") {
    auto ok = new_request("POST", "http://127.0.0.1:8080/upload?x=1", "data");
    REQUIRE(ok);
    CHECK(ok->method == "POST");
    CHECK(ok->url == "http://127.0.0.1:8080/upload?x=1");
    CHECK(ok->body == "data");

    auto get = new_request("", "HTTP://example.com");
    REQUIRE(get);
    CHECK(get->method == "GET");  // "" means GET, as Go

    struct Case {
        const char* method;
        const char* url;
        Error want;
    };
    const Case cases[] = {
        {"GE T", "http://h/", Error::bad_method},  // RFC 9110 §9.1: a token
        {"GET\r\n", "http://h/", Error::bad_method},
        {"GET", "https://h/", Error::unsupported_scheme},
        {"GET", "/relative", Error::unsupported_scheme},
        {"GET", "http:///nohost", Error::bad_url},
        {"GET", "http://h/%zz", Error::bad_percent_encoding},
        {"GET", "http://h:port/", Error::bad_url},
    };
    for (const Case& k : cases) {
        CAPTURE(k.method);
        CAPTURE(k.url);
        auto r = new_request(k.method, k.url);
        REQUIRE(!r);
        CHECK(r.error() == k.want);
    }
}

TEST_CASE("set_basic_auth and add_cookie build the fields Go's would") {
    wire::http::ClientRequest r;
    r.set_basic_auth("Aladdin", "open sesame");
    CHECK(r.header.get("Authorization") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");  // RFC 7617 §2
    r.set_basic_auth("u", "p");
    CHECK(r.header.values("Authorization").size() == 1);

    wire::http::Cookie a;
    a.name = "a";
    a.value = "1";
    a.path = "/ignored";  // attributes are not sent in a Cookie field (RFC 6265 §4.2.1)
    r.add_cookie(a);
    CHECK(r.header.get("Cookie") == "a=1");
    wire::http::Cookie b;
    b.name = "b";
    b.value = "two words";
    r.add_cookie(b);
    CHECK(r.header.get("Cookie") == "a=1; b=\"two words\"");
}
