#include "net/buffered_conn.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "tests/net/helpers.hpp"

using namespace wire::net;

TEST_CASE("BufferedConn keeps reader and writer on its Conn across moves (hijack hand-over)") {
    auto [client, server] = test::conn_pair();
    // What a server does at hijack: the bytes read past the request head go with the Conn.
    BufferedConn hijacked(std::move(server), "early ");
    std::vector<BufferedConn> holder;
    holder.push_back(std::move(hijacked));  // moved: the reader must follow
    BufferedConn& bc = holder.front();
    CHECK(&bc.reader().conn() == &bc.conn());
    CHECK(&bc.writer().conn() == &bc.conn());

    REQUIRE(client.write("bytes\n"));
    auto line = bc.reader().read_until('\n');
    REQUIRE(line);
    CHECK(*line == "early bytes\n");

    REQUIRE(bc.writer().write("reply\n"));
    REQUIRE(bc.writer().flush());
    char buf[16];
    auto n = client.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(std::string(buf, *n) == "reply\n");

    BufferedConn other(Conn{});
    other = std::move(holder.front());
    CHECK(&other.reader().conn() == &other.conn());
    CHECK(&other.writer().conn() == &other.conn());
}
