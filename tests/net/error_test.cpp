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

TEST_CASE("op_error carries the operation and the address in the error value, as Go's OpError") {
    const std::error_code cause(EADDRINUSE, std::system_category());
    const std::error_code ec = op_error("listen", "127.0.0.1:8080", cause);
    CHECK(ec.message() == "listen 127.0.0.1:8080: address already in use");
    CHECK(message(ec) == "listen 127.0.0.1:8080: address already in use");
    CHECK(std::string(ec.category().name()) == "wire.net.op");
    // Still the errno condition it wraps, and unwrap gives the cause back.
    CHECK(ec == std::errc::address_in_use);
    CHECK(ec != std::errc::connection_refused);
    CHECK(unwrap(ec) == cause);
    CHECK(unwrap(cause) == cause);
    // The same operation on the same address is the same value; another address is not.
    CHECK(op_error("listen", "127.0.0.1:8080", cause) == ec);
    CHECK(op_error("listen", "127.0.0.1:8081", cause) != ec);
    // Wrapping a wrapped error replaces the context instead of stacking it.
    CHECK(op_error("listen", "[::1]:80", ec).message() ==
          "listen [::1]:80: address already in use");
    // wire's own errors too, and success stays success.
    CHECK(op_error("listen", "x:y", Error::bad_port).message() == "listen x:y: invalid port");
    CHECK(unwrap(op_error("listen", "x:y", Error::bad_port)) == Error::bad_port);
    CHECK_FALSE(op_error("listen", "127.0.0.1:8080", {}));
}
