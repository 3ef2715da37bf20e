#include "net/buffered_writer.hpp"

#include <doctest/doctest.h>

#include <string>

#include "net/buffered_reader.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;

namespace {
std::string read_all(Conn& c) {
    std::string out;
    char buf[4096];
    for (;;) {
        auto n = c.read(buf, sizeof buf);
        if (!n || *n == 0) return out;
        out.append(buf, *n);
    }
}
}  // namespace

TEST_CASE("small writes stay buffered until flush") {
    auto [client, server] = test::conn_pair();
    BufferedWriter w(client, 64);
    REQUIRE(w.write("HTTP/1.1 200 OK\r\n"));
    REQUIRE(w.write("\r\n"));
    CHECK(w.buffered() == 19);
    // Nothing has left yet.
    server.set_read_deadline(Conn::Clock::now() + std::chrono::milliseconds(20));
    char probe;
    CHECK(is_timeout(server.read(&probe, 1).error()));
    server.set_read_deadline(Conn::no_deadline);
    REQUIRE(w.flush());
    CHECK(w.buffered() == 0);
    REQUIRE_FALSE(client.shutdown_write());
    CHECK(read_all(server) == "HTTP/1.1 200 OK\r\n\r\n");
}

TEST_CASE("writes that overflow the buffer keep order: flush-and-copy and writev paths") {
    auto [client, server] = test::conn_pair();
    BufferedWriter w(client, 32);
    std::string expected;
    const std::string pieces[] = {"0123456789", std::string(25, 'a'), "xy", std::string(100, 'b'),
                                  "end"};
    for (const std::string& p : pieces) {
        auto n = w.write(p);
        REQUIRE(n);
        CHECK(*n == p.size());
        expected += p;
    }
    REQUIRE(w.flush());
    REQUIRE_FALSE(client.shutdown_write());
    CHECK(read_all(server) == expected);
}
