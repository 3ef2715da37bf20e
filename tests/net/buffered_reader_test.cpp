#include "net/buffered_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "net/error.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;

TEST_CASE("read_until returns lines across reads; peek does not consume") {
    auto [client, server] = test::conn_pair();
    BufferedReader r(server, 64);
    std::thread w([&c = client] {
        (void)c.write("GET / HTTP/1.1\r\nHo");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        (void)c.write("st: x\r\n\r\nBODY");
        (void)c.shutdown_write();
    });
    auto line = r.read_until('\n');
    REQUIRE(line);
    CHECK(*line == "GET / HTTP/1.1\r\n");
    line = r.read_until('\n');
    REQUIRE(line);
    CHECK(*line == "Host: x\r\n");
    auto p = r.peek(2);
    REQUIRE(p);
    CHECK(*p == "\r\n");
    CHECK(r.discard(2).value_or(0) == 2);
    char body[4];
    REQUIRE(r.read_exactly(body, 4));
    CHECK(std::string(body, 4) == "BODY");
    CHECK(r.read_until('\n').error() == Error::eof);
    w.join();
}

TEST_CASE("read_until without the delimiter inside the buffer is buffer_full") {
    auto [client, server] = test::conn_pair();
    BufferedReader r(server, 16);
    REQUIRE(client.write(std::string(40, 'a')));
    CHECK(r.read_until('\n').error() == Error::buffer_full);
    CHECK(r.peek(17).error() == Error::buffer_full);
}

TEST_CASE("read_exactly across many small writes, then unexpected EOF") {
    auto [client, server] = test::conn_pair();
    BufferedReader r(server, 32);
    std::thread w([&c = client] {
        for (int i = 0; i < 100; ++i)
            (void)c.write("0123456789");
        (void)c.write("tail");
        (void)c.shutdown_write();
    });
    std::string all(1000, '\0');
    REQUIRE(r.read_exactly(all.data(), all.size()));
    for (std::size_t i = 0; i < all.size(); ++i)
        REQUIRE(all[i] == '0' + static_cast<char>(i % 10));
    char more[10];
    CHECK(r.read_exactly(more, sizeof more).error() == Error::unexpected_eof);
    w.join();
}

TEST_CASE("a reader pre-filled with bytes already read serves them first (hijack)") {
    auto [client, server] = test::conn_pair();
    BufferedReader r(server, "already ", 4);  // capacity grows to hold the bytes
    CHECK(r.capacity() >= 8);
    CHECK(r.buffered() == "already ");
    REQUIRE(client.write("read\n"));
    auto line = r.read_until('\n');
    REQUIRE(line);
    CHECK(*line == "already read\n");
}

TEST_CASE("read: buffered bytes first, large reads bypass the buffer") {
    auto [client, server] = test::conn_pair();
    BufferedReader r(server, "ab", 16);
    char buf[64];
    auto n = r.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(std::string(buf, *n) == "ab");
    REQUIRE(client.write(std::string(30, 'z')));
    REQUIRE_FALSE(client.shutdown_write());
    std::size_t got = 0;
    for (;;) {
        n = r.read(buf, sizeof buf);
        REQUIRE(n);
        if (*n == 0) break;
        got += *n;
    }
    CHECK(got == 30);
}
