#include "net/result.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "net/error.hpp"

using wire::net::Error;
using wire::net::Result;

namespace {
Result<int> half(int x) {
    if (x % 2 != 0) return Error::bad_address;  // an error enum converts implicitly
    return x / 2;
}
}  // namespace

TEST_CASE("Result holds a value like std::expected") {
    Result<int> r = half(8);
    REQUIRE(r.has_value());
    CHECK(static_cast<bool>(r));
    CHECK(*r == 4);
    CHECK(r.value() == 4);
    CHECK_FALSE(r.error());
    Result<std::string> s = std::string("abc");
    CHECK(s->size() == 3);
}

TEST_CASE("Result holds an error; value() on it throws system_error") {
    Result<int> r = half(3);
    REQUIRE_FALSE(r);
    CHECK(r.error() == Error::bad_address);
    CHECK(r.value_or(-1) == -1);
    CHECK_THROWS_AS(r.value(), std::system_error);
    Result<int> e = std::make_error_code(std::errc::connection_refused);
    CHECK(e.error() == std::errc::connection_refused);
}

TEST_CASE("Result of a move-only type moves out") {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
    std::unique_ptr<int> p = *std::move(r);
    REQUIRE(p);
    CHECK(*p == 7);
}

TEST_CASE("Result<void> is success or an error") {
    Result<void> ok;
    CHECK(ok.has_value());
    CHECK_NOTHROW(ok.value());
    Result<void> bad = Error::timeout;
    CHECK_FALSE(bad);
    CHECK(bad.error() == Error::timeout);
    CHECK_THROWS_AS(bad.value(), std::system_error);
}
