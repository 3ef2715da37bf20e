#include "http/method.hpp"

#include <doctest/doctest.h>

using wire::http::Method;

TEST_CASE("methods parse case-sensitively and name themselves") {
    for (const char* name :
         {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}) {
        CAPTURE(name);
        const Method m = wire::http::method_from(name);
        CHECK(m != Method::other);
        CHECK(wire::http::method_name(m) == name);
    }
    CHECK(wire::http::method_from("get") == Method::other);
    CHECK(wire::http::method_from("PURGE") == Method::other);
    CHECK(wire::http::method_name(Method::other).empty());
}

TEST_CASE("safe and idempotent methods (RFC 9110 §9.2)") {
    CHECK(wire::http::is_safe(Method::get));
    CHECK(wire::http::is_safe(Method::head));
    CHECK_FALSE(wire::http::is_safe(Method::post));
    CHECK_FALSE(wire::http::is_safe(Method::put));
    CHECK(wire::http::is_idempotent(Method::put));
    CHECK(wire::http::is_idempotent(Method::delete_));
    CHECK_FALSE(wire::http::is_idempotent(Method::post));
    CHECK_FALSE(wire::http::is_idempotent(Method::patch));
}

TEST_CASE("method name constants match the enum's names (Go's http.MethodGet...)") {
    namespace method = wire::http::method;
    CHECK(method::get == wire::http::method_name(Method::get));
    CHECK(method::head == wire::http::method_name(Method::head));
    CHECK(method::post == wire::http::method_name(Method::post));
    CHECK(method::put == wire::http::method_name(Method::put));
    CHECK(method::patch == wire::http::method_name(Method::patch));
    CHECK(method::delete_ == wire::http::method_name(Method::delete_));
    CHECK(method::connect == wire::http::method_name(Method::connect));
    CHECK(method::options == wire::http::method_name(Method::options));
    CHECK(method::trace == wire::http::method_name(Method::trace));
    CHECK(wire::http::method_from(method::delete_) == Method::delete_);
}
