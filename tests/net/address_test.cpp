#include "net/address.hpp"

#include <doctest/doctest.h>

#include <string>

#include "net/error.hpp"

using namespace wire::net;

TEST_CASE("Address::parse accepts Go's numeric forms and formats them back") {
    struct Case {
        const char* in;
        const char* out;
        int family;
        std::uint16_t port;
    };
    const Case cases[] = {
        {"127.0.0.1:8080", "127.0.0.1:8080", AF_INET, 8080},
        {"0.0.0.0:0", "0.0.0.0:0", AF_INET, 0},
        {"255.255.255.255:65535", "255.255.255.255:65535", AF_INET, 65535},
        {":8080", "0.0.0.0:8080", AF_INET, 8080},
        {"[::1]:8080", "[::1]:8080", AF_INET6, 8080},
        {"[::]:80", "[::]:80", AF_INET6, 80},
        {"[2001:db8::1]:443", "[2001:db8::1]:443", AF_INET6, 443},
        {"[::ffff:1.2.3.4]:1", "[::ffff:1.2.3.4]:1", AF_INET6, 1},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        auto a = Address::parse(c.in);
        REQUIRE(a);
        CHECK(a->to_string() == c.out);
        CHECK(a->family() == c.family);
        CHECK(a->port() == c.port);
        // Round trip: what we print parses to the same address.
        auto again = Address::parse(a->to_string());
        REQUIRE(again);
        CHECK(*again == *a);
    }
}

TEST_CASE("Address::parse rejects bad inputs with a precise error") {
    struct Case {
        const char* in;
        Error error;
    };
    const Case cases[] = {
        {"", Error::missing_port},
        {"127.0.0.1", Error::missing_port},
        {"127.0.0.1:", Error::missing_port},
        {"[::1]", Error::missing_port},
        {"[::1]:", Error::missing_port},
        {"127.0.0.1:65536", Error::bad_port},
        {"127.0.0.1:-1", Error::bad_port},
        {"127.0.0.1:+80", Error::bad_port},
        {"127.0.0.1:8o", Error::bad_port},
        {"127.0.0.1:http", Error::bad_port},
        {"127.0.0.1: 80", Error::bad_port},
        {"::1:80", Error::bad_address},
        {"[::1]80", Error::bad_address},
        {"[::1:80", Error::bad_address},
        {"::1]:80", Error::bad_address},
        {"[1.2.3.4]:80", Error::bad_address},
        {"256.1.1.1:80", Error::bad_address},
        {"1.2.3:80", Error::bad_address},
        {"localhost:80", Error::bad_address},  // names need resolve()
        {"[[::1]]:80", Error::bad_address},
    };
    for (const Case& c : cases) {
        CAPTURE(c.in);
        auto a = Address::parse(c.in);
        REQUIRE_FALSE(a);
        CHECK(a.error() == c.error);
    }
}

TEST_CASE("Address::resolve looks names up and keeps numeric forms off the resolver") {
    auto numeric = Address::resolve("10.1.2.3:7");
    REQUIRE(numeric);
    REQUIRE(numeric->size() == 1);
    CHECK(numeric->front().to_string() == "10.1.2.3:7");

    auto local = Address::resolve("localhost:8080");
    REQUIRE(local);
    REQUIRE_FALSE(local->empty());
    for (const Address& a : *local) {
        CHECK(a.port() == 8080);
        CHECK((a.host() == "127.0.0.1" || a.host() == "::1"));
    }

    CHECK(Address::resolve("localhost").error() == Error::missing_port);
    CHECK(Address::resolve("localhost:99999").error() == Error::bad_port);
    auto missing = Address::resolve("no-such-host.invalid:80");
    REQUIRE_FALSE(missing);
    CHECK((missing.error() == Error::host_not_found || missing.error() == Error::resolve_failed));
}

TEST_CASE("split_host_port separates without interpreting") {
    auto hp = split_host_port("[fe80::1%eth0]:80");
    REQUIRE(hp);
    CHECK(hp->host == "fe80::1%eth0");
    CHECK(hp->port == "80");
    hp = split_host_port("example.com:443");
    REQUIRE(hp);
    CHECK(hp->host == "example.com");
    CHECK(hp->port == "443");
}

TEST_CASE("Address set_port, equality and the empty address") {
    Address a = Address::ipv4_loopback(1);
    a.set_port(2);
    CHECK(a.to_string() == "127.0.0.1:2");
    CHECK(a == *Address::parse("127.0.0.1:2"));
    CHECK_FALSE(a == *Address::parse("127.0.0.1:3"));
    Address none;
    CHECK(none.empty());
    CHECK(none.to_string().empty());
    CHECK(none.port() == 0);
}

TEST_CASE("Unix-domain addresses: paths and the abstract namespace") {
    auto a = Address::unix_path("/tmp/wire.sock");
    REQUIRE(a);
    CHECK(a->is_unix());
    CHECK(a->to_string() == "/tmp/wire.sock");
    auto abstract = Address::unix_path("@wire-test");
    REQUIRE(abstract);
    CHECK(abstract->to_string() == "@wire-test");
    CHECK(Address::unix_path("").error() == Error::bad_address);
    CHECK(Address::unix_path(std::string(200, 'x')).error() == Error::bad_address);
}
