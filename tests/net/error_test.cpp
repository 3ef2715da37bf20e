#include "net/error.hpp"

#include <doctest/doctest.h>

#include <cerrno>

using namespace wire::net;

TEST_CASE("net errors have their own category and messages a person understands") {
    std::error_code ec = Error::timeout;
    CHECK(ec.category() == net_category());
    CHECK(std::string(ec.category().name()) == "wire.net");
    CHECK(ec.message() == "i/o timeout");
    CHECK(make_error_code(Error::closed).message() == "use of closed network connection");
    CHECK(make_error_code(Error::missing_port).message() == "missing port in address");
    // Every enumerator has its own message.
    for (int e = 1; e <= static_cast<int>(Error::buffer_full); ++e) {
        CHECK(std::error_code(e, net_category()).message() != "unknown net error");
    }
}

TEST_CASE("is_timeout tells a deadline from other failures") {
    CHECK(is_timeout(Error::timeout));
    CHECK(is_timeout(std::make_error_code(std::errc::timed_out)));
    CHECK_FALSE(is_timeout(Error::closed));
    CHECK_FALSE(is_timeout(std::make_error_code(std::errc::connection_reset)));
    CHECK_FALSE(is_timeout({}));
}

TEST_CASE("would_block is EAGAIN only") {
    CHECK(would_block({EAGAIN, std::system_category()}));
    CHECK(would_block({EWOULDBLOCK, std::system_category()}));
    CHECK_FALSE(would_block({ECONNRESET, std::system_category()}));
    CHECK_FALSE(would_block(Error::timeout));
}

TEST_CASE("describe formats Go-style operation errors") {
    CHECK(describe("connect", "127.0.0.1:9", {ECONNREFUSED, std::system_category()}) ==
          "connect 127.0.0.1:9: connection refused");
    CHECK(describe("read", "", Error::timeout) == "read: i/o timeout");
    CHECK(describe("read", "", Error::eof) == "read: EOF");  // acronyms keep their case
}
