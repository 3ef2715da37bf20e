#include "net/dial.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "net/error.hpp"
#include "net/listener.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

TEST_CASE("dial to a closed port is connection refused, formatted Go-style") {
    // Bind a port and close it so nothing listens there.
    auto l = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(l);
    const Address where = l->address();
    (void)l->close();
    auto c = dial(where.to_string(), 2s);
    REQUIRE_FALSE(c);
    CHECK(c.error() == std::errc::connection_refused);
    CHECK(describe("connect", where.to_string(), c.error()) ==
          "connect " + where.to_string() + ": connection refused");
}

TEST_CASE("dial resolves names and tries each address in order") {
    // localhost may resolve to ::1 first; a listener on 127.0.0.1 only is still reached.
    auto l = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(l);
    auto c = dial("localhost:" + std::to_string(l->address().port()), 5s);
    REQUIRE(c);
    CHECK(l->accept_wait(5s));
    CHECK(dial("localhost", 1s).error() == Error::missing_port);
}

TEST_CASE("dial times out against a listener whose backlog is full") {
    // Backlog 0 and never accepting: once the accept queue is full the kernel drops further
    // SYNs, so the next connect hangs until our deadline.
    auto l = Listener::listen(Address::ipv4_loopback(0), ListenOptions{.backlog = 0});
    REQUIRE(l);
    std::vector<Conn> held;
    bool timed_out = false;
    for (int i = 0; i < 16 && !timed_out; ++i) {
        auto c = dial(l->address(), 100ms);
        if (c) {
            held.push_back(std::move(*c));
        } else {
            REQUIRE(is_timeout(c.error()));
            timed_out = true;
        }
    }
    REQUIRE(timed_out);
    const auto start = Clock::now();
    auto c = dial(l->address(), 200ms);
    const auto took = Clock::now() - start;
    REQUIRE_FALSE(c);
    CHECK(c.error() == Error::timeout);
    CHECK(describe("dial", l->address().to_string(), c.error()).ends_with(": i/o timeout"));
    CHECK(took >= 190ms);
    CHECK(took < 2s);
}
