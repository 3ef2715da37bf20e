#include "net/conn.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>

#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "net/error.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

namespace {
// A byte pattern that detects reordering, loss and duplication: position-dependent, period not a
// power of two.
std::uint8_t pattern(std::size_t i) {
    return static_cast<std::uint8_t>((i * 131 + i / 251) & 0xff);
}
}  // namespace

TEST_CASE("64 MiB cross a loopback pair byte-exact with partial reads and writes") {
    auto [client, server] = test::conn_pair();
    constexpr std::size_t total = 64u << 20;
    // Small socket buffers force the kernel to take and give partial amounts.
    int small = 16 * 1024;
    setsockopt(client.socket().fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(server.socket().fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);

    std::thread writer([&c = client] {
        std::vector<std::uint8_t> chunk(1 << 20);
        for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
            for (std::size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = pattern(sent + i);
            // Two iovecs of odd sizes, so writev resumes in the middle of a buffer.
            const std::size_t cut = 12345;
            const iovec parts[2] = {{chunk.data(), cut}, {chunk.data() + cut, chunk.size() - cut}};
            auto n = c.writev(parts);
            if (!n || *n != chunk.size()) return;
        }
        (void)c.shutdown_write();
    });

    std::vector<std::uint8_t> buf(7919);  // a prime: reads never line up with writes
    std::size_t received = 0, mismatches = 0, reads = 0;
    for (;;) {
        auto n = server.read(buf.data(), buf.size());
        REQUIRE(n);
        if (*n == 0) break;
        ++reads;
        for (std::size_t i = 0; i < *n; ++i)
            mismatches += buf[i] != pattern(received + i);
        received += *n;
    }
    writer.join();
    CHECK(received == total);
    CHECK(mismatches == 0);
    CHECK(reads > total / buf.size());  // partial reads happened
}

TEST_CASE("half-close: the peer reads EOF after shutdown_write and can still answer") {
    auto [client, server] = test::conn_pair();
    REQUIRE(client.write("request"));
    REQUIRE_FALSE(client.shutdown_write());
    char buf[32];
    auto n = server.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(std::string(buf, *n) == "request");
    auto eof = server.read(buf, sizeof buf);
    REQUIRE(eof);
    CHECK(*eof == 0);
    REQUIRE(server.write("answer"));  // the other direction is still open
    n = client.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(std::string(buf, *n) == "answer");
}

TEST_CASE("peer reset: a read fails with ECONNRESET") {
    auto [client, server] = test::conn_pair();
    REQUIRE_FALSE(server.socket().set_linger_zero());
    server = Conn();  // destroyed: RST
    char buf[8];
    auto n = client.read(buf, sizeof buf);
    REQUIRE_FALSE(n);
    CHECK(n.error() == std::errc::connection_reset);
}

TEST_CASE("a read deadline fires within tolerance and keeps failing until cleared") {
    auto [client, server] = test::conn_pair();
    char buf[8];
    const auto start = Conn::Clock::now();
    server.set_read_deadline(start + 100ms);
    auto n = server.read(buf, sizeof buf);
    const auto took = Conn::Clock::now() - start;
    REQUIRE_FALSE(n);
    CHECK(is_timeout(n.error()));
    CHECK(describe("read", "", n.error()) == "read: i/o timeout");
    CHECK(took >= 100ms);
    CHECK(took < 1s);

    // Expired: later calls fail at once, even with data waiting.
    REQUIRE(client.write("x"));
    std::this_thread::sleep_for(10ms);
    CHECK(server.read(buf, sizeof buf).error() == Error::timeout);
    // Cleared: the data is still there.
    server.set_read_deadline(Conn::no_deadline);
    auto got = server.read(buf, sizeof buf);
    REQUIRE(got);
    CHECK(*got == 1);
}

TEST_CASE("a deadline set from another thread unblocks a read already waiting") {
    auto [client, server] = test::conn_pair();
    std::error_code result;
    Conn::Clock::time_point returned;
    std::thread reader([&s = server, &result, &returned] {
        char buf[8];
        result = s.read(buf, sizeof buf).error();
        returned = Conn::Clock::now();
    });
    std::this_thread::sleep_for(50ms);  // let it block
    const auto set_at = Conn::Clock::now();
    server.set_read_deadline(set_at);  // "now": cancel the blocked read
    reader.join();
    CHECK(is_timeout(result));
    CHECK(returned - set_at < 500ms);

    // Moving a far deadline closer also works while blocked.
    server.set_read_deadline(Conn::Clock::now() + 1h);
    std::thread reader2([&s = server, &result] {
        char buf[8];
        result = s.read(buf, sizeof buf).error();
    });
    std::this_thread::sleep_for(30ms);
    server.set_read_deadline(Conn::Clock::now() + 20ms);
    reader2.join();
    CHECK(is_timeout(result));
}

TEST_CASE(
    "after a short read the next read waits first, and still honours data, FIN and deadlines") {
    auto [client, server] = test::conn_pair();
    char buf[64];
    REQUIRE(client.write("ping"));
    auto n = server.read(buf, sizeof buf);  // 4 of 64: a short read, the socket is drained
    REQUIRE(n);
    CHECK(*n == 4);

    // Data already waiting: the wait returns at once and the read gets it.
    REQUIRE(client.write("pong"));
    std::this_thread::sleep_for(10ms);
    n = server.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(std::string_view(buf, *n) == "pong");

    // Data that comes later wakes the waiting read.
    std::thread late([&c = client] {
        std::this_thread::sleep_for(30ms);
        (void)c.write("late");
    });
    n = server.read(buf, sizeof buf);
    late.join();
    REQUIRE(n);
    CHECK(std::string_view(buf, *n) == "late");

    // A deadline set from another thread cancels the read while it waits first.
    std::thread canceller([&s = server] {
        std::this_thread::sleep_for(30ms);
        s.set_read_deadline(Conn::Clock::now());
    });
    const auto start = Conn::Clock::now();
    n = server.read(buf, sizeof buf);
    canceller.join();
    REQUIRE_FALSE(n);
    CHECK(is_timeout(n.error()));
    CHECK(Conn::Clock::now() - start < 1s);

    // Cleared: the peer's FIN ends the stream as usual.
    server.set_read_deadline(Conn::no_deadline);
    REQUIRE_FALSE(client.shutdown_write());
    n = server.read(buf, sizeof buf);
    REQUIRE(n);
    CHECK(*n == 0);
}

TEST_CASE("a write deadline fires when the peer does not read") {
    auto [client, server] = test::conn_pair();
    std::vector<char> big(1 << 20, 'x');
    client.set_write_deadline(Conn::Clock::now() + 100ms);
    std::error_code ec;
    for (int i = 0; i < 256 && !ec; ++i)
        ec = client.write(big.data(), big.size()).error();
    CHECK(is_timeout(ec));
}

TEST_CASE("a write deadline set from another thread unblocks a write stuck on a full buffer") {
    auto [client, server] = test::conn_pair();
    std::error_code result;
    std::thread writer([&c = client, &result] {
        std::vector<char> big(1 << 20, 'x');
        for (int i = 0; i < 1024 && !result; ++i)
            result = c.write(big.data(), big.size()).error();
    });
    std::this_thread::sleep_for(100ms);  // long enough to fill both socket buffers and block
    client.set_write_deadline(Conn::Clock::now());
    writer.join();
    CHECK(is_timeout(result));
}

TEST_CASE("one reader and one writer run concurrently") {
    auto [a, b] = test::conn_pair();
    constexpr int rounds = 2000;
    std::thread echo([&b = b] {
        char buf[64];
        for (;;) {
            auto n = b.read(buf, sizeof buf);
            if (!n || *n == 0) return;
            if (!b.write(buf, *n)) return;
        }
    });
    std::thread writer([&a = a] {
        for (int i = 0; i < rounds; ++i)
            (void)a.write("0123456789");
    });
    std::size_t got = 0;
    char buf[256];
    while (got < rounds * 10u) {
        auto n = a.read(buf, sizeof buf);
        REQUIRE(n);
        REQUIRE(*n > 0);
        got += *n;
    }
    writer.join();
    (void)a.shutdown_write();
    echo.join();
    CHECK(got == rounds * 10u);
}

TEST_CASE("close from another thread fails a blocked read with Error::closed") {
    auto [client, server] = test::conn_pair();
    std::error_code result;
    std::thread reader([&s = server, &result] {
        char buf[8];
        result = s.read(buf, sizeof buf).error();
    });
    std::this_thread::sleep_for(30ms);
    (void)server.close();
    reader.join();
    CHECK(result == Error::closed);
    CHECK(server.write("x").error() == Error::closed);
}

TEST_CASE("Conn local and remote addresses") {
    auto [client, server] = test::conn_pair();
    CHECK(*client.local_address() == *server.remote_address());
    CHECK(*client.remote_address() == *server.local_address());
    Socket s = client.release();
    CHECK(s.valid());
    CHECK_FALSE(client.socket().valid());
    CHECK(client.read(nullptr, 0).error() == Error::closed);
}
