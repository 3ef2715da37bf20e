// The client against a real redis-server (started by the test on a free loopback port) and,
// for what a real server never sends, against a scripted fake on loopback.
#include "redis/client.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <vector>

#include "redis/blocking_client.hpp"
#include "redis/error.hpp"
#include "redis/subscriber.hpp"
#include "tests/redis/helpers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/redis_server.hpp"

using namespace wire::redis;
using wire::test::eventually;
using wire::test::RedisServer;
using namespace std::chrono_literals;

namespace {

Options options_for(const std::string& address) {
    Options o;
    o.address = address;
    o.backoff_min = std::chrono::milliseconds(10);
    o.backoff_max = std::chrono::milliseconds(100);
    return o;
}

}  // namespace

TEST_CASE("commands against redis-server: RESP3 and RESP2, pipelined replies in order") {
    if (!RedisServer::available()) return;
    RedisServer server;
    REQUIRE(server.ready());
    for (int protocol : {3, 2}) {
        CAPTURE(protocol);
        Options o = options_for(server.address());
        o.protocol = protocol;
        BlockingClient redis(o);
        REQUIRE(redis.wait_connected(2s));
        auto set = redis.command({"SET", "k", "hello world\r\n"});
        REQUIRE(set);
        CHECK(set->value().text == "OK");
        auto get = redis.command({"GET", "k"});
        REQUIRE(get);
        CHECK(get->value().text == "hello world\r\n");
        auto err = redis.command({"NOSUCHCOMMAND"});
        CHECK(err.error() == Error::server_error);

        // A thousand INCRs written without waiting; the replies come back 1..1000 in order.
        (void)redis.command({"DEL", "n"});
        std::mutex mu;
        std::vector<std::int64_t> seen;
        std::atomic<int> done{0};
        for (int i = 0; i < 1000; ++i) {
            redis.client().command({"INCR", "n"}, [&](std::error_code ec, const Reply& r) {
                std::lock_guard g(mu);
                seen.push_back(ec ? -1 : r.value().integer);
                ++done;
            });
        }
        REQUIRE(eventually([&] { return done.load() == 1000; }));
        std::lock_guard g(mu);
        for (std::size_t i = 0; i < seen.size(); ++i)
            REQUIRE(seen[i] == std::int64_t(i + 1));
        CHECK(redis.client().stats().commands >= 1003);
    }
}

TEST_CASE("AUTH with a user and password, CLIENT SETNAME and SELECT") {
    if (!RedisServer::available()) return;
    RedisServer server(
        {"--user", "default", "off", "--user", "alice", "on", ">s3cret", "~*", "&*", "+@all"});
    REQUIRE(server.ready());
    for (int protocol : {3, 2}) {
        CAPTURE(protocol);
        Options o = options_for(server.address());
        o.protocol = protocol;
        o.username = "alice";
        o.password = "s3cret";
        o.client_name = "wire-test";
        o.database = 3;
        BlockingClient redis(o);
        REQUIRE(redis.wait_connected(2s));
        auto name = redis.command({"CLIENT", "GETNAME"});
        REQUIRE(name);
        CHECK(name->value().text == "wire-test");
        auto who = redis.command({"ACL", "WHOAMI"});
        REQUIRE(who);
        CHECK(who->value().text == "alice");
        auto info = redis.command({"CLIENT", "INFO"});
        REQUIRE(info);
        CHECK(info->value().text.find("db=3") != std::string_view::npos);
    }
    // A wrong password: no connection, the reason kept, and attempts go on.
    Options bad = options_for(server.address());
    bad.username = "alice";
    bad.password = "wrong";
    BlockingClient redis(bad);
    CHECK_FALSE(redis.wait_connected(300ms));
    CHECK(redis.client().last_error() == Error::server_error);
    CHECK(eventually([&] { return redis.client().stats().connect_failures >= 2; }));
    CHECK(redis.command({"PING"}).error() == Error::not_connected);
}

TEST_CASE("publish while redis is down fails at once, and the caller hears it") {
    if (!RedisServer::available()) return;
    RedisServer server;
    REQUIRE(server.ready());
    BlockingClient redis(options_for(server.address()));
    REQUIRE(redis.wait_connected(2s));
    std::atomic<int> ok{0};
    redis.client().publish("c", "one", false, [&](std::error_code ec, const Reply& r) {
        if (!ec && r.value().integer == 0) ++ok;  // nobody listens: 0 receivers
    });
    REQUIRE(eventually([&] { return ok.load() == 1; }));
    server.stop();
    REQUIRE(eventually([&] { return !redis.client().connected(); }));
    std::error_code heard;
    CHECK_FALSE(redis.client().publish("c", "two", false,
                                       [&](std::error_code ec, const Reply&) { heard = ec; }));
    CHECK(heard == Error::not_connected);
    const Stats s = redis.client().stats();
    CHECK(s.published == 1);
    CHECK(s.failed_publishes == 1);
    CHECK(s.losses == 1);
    // It comes back by itself when redis does.
    REQUIRE(server.start());
    CHECK(eventually([&] { return redis.client().connected(); }, 3000ms));
    CHECK(redis.client().stats().reconnects == 1);
    CHECK(redis.client().stats().disconnected > 0ns);
}

TEST_CASE("a subscriber resubscribes after redis restarts, and hears again within 2 s") {
    if (!RedisServer::available()) return;
    RedisServer server;
    REQUIRE(server.ready());
    for (int protocol : {3, 2}) {
        CAPTURE(protocol);
        test::LoopThread lt;
        Options o = options_for(server.address());
        o.protocol = protocol;
        std::mutex mu;
        std::vector<std::string> got;
        std::unique_ptr<Subscriber> sub;
        lt.run([&] {
            sub = std::make_unique<Subscriber>(
                lt.loop, o, [&](std::string_view channel, std::span<const std::uint8_t> p) {
                    std::lock_guard g(mu);
                    got.push_back(std::string(channel) + "=" +
                                  std::string(reinterpret_cast<const char*>(p.data()), p.size()));
                });
            sub->start();
        });
        sub->subscribe("a");
        sub->subscribe("b");
        sub->subscribe("s", /*sharded=*/true);
        REQUIRE(eventually([&] { return sub->confirmed() == 3; }));
        BlockingClient pub(options_for(server.address()));
        REQUIRE(pub.wait_connected(2s));
        REQUIRE(pub.command({"PUBLISH", "a", "1"}));
        REQUIRE(pub.command({"SPUBLISH", "s", "2"}));
        REQUIRE(eventually([&] {
            std::lock_guard g(mu);
            return got.size() == 2;
        }));
        sub->unsubscribe("b");
        REQUIRE(eventually([&] { return sub->confirmed() == 2; }));

        server.stop();
        REQUIRE(server.start());
        // Back, and subscribed again to what is still wanted (a and s, not b), within 2 s.
        const auto restarted = std::chrono::steady_clock::now();
        REQUIRE(eventually([&] { return sub->confirmed() == 2; }, 2000ms));
        CHECK(std::chrono::steady_clock::now() - restarted < 2s);
        REQUIRE(pub.wait_connected(2s));
        REQUIRE(eventually([&] {
            auto r = pub.command({"PUBLISH", "a", "3"});
            return r && r->value().integer == 1;
        }));
        REQUIRE(pub.command({"PUBLISH", "b", "not wanted"}));
        REQUIRE(pub.command({"SPUBLISH", "s", "4"}));
        REQUIRE(eventually([&] {
            std::lock_guard g(mu);
            return got.size() == 4;
        }));
        {
            std::lock_guard g(mu);
            CHECK(got == std::vector<std::string>{"a=1", "s=2", "a=3", "s=4"});
        }
        const Stats s = sub->stats();
        // One reconnect, or more when a loaded machine lets a first one miss its PING deadline;
        // each resubscribes the two topics still wanted.
        CHECK(s.reconnects >= 1);
        CHECK(s.resubscribes == 2 * s.reconnects);
        CHECK(s.received == 4);
        lt.run([&] { sub.reset(); });
    }
}

TEST_CASE("a subscriber whose PING goes unanswered is lost and reconnects") {
    // The fake answers the handshake, then hears nothing more (a server that hangs).
    test::FakeServer fake([](wire::net::Conn& c, int) {
        (void)test::FakeServer::read_until(c, "HELLO");
        (void)c.write(std::string_view("%0\r\n"));
        (void)test::FakeServer::read_until(c, "never");
    });
    test::LoopThread lt;
    Options o = options_for(fake.address());
    o.ping_interval = 50ms;
    o.ping_timeout = 100ms;
    std::unique_ptr<Subscriber> sub;
    lt.run([&] {
        sub = std::make_unique<Subscriber>(lt.loop, o, nullptr);
        sub->start();
    });
    CHECK(eventually([&] { return sub->stats().losses >= 1; }, 2000ms));
    CHECK(sub->last_error() == Error::ping_timeout);
    CHECK(eventually([&] { return fake.accepted() >= 2; }, 2000ms));
    lt.run([&] { sub.reset(); });
}

TEST_CASE("a malformed reply closes only that connection, which then reconnects") {
    if (!RedisServer::available()) return;
    RedisServer server;
    REQUIRE(server.ready());
    // The fake answers the handshake, then sends a byte that starts no RESP value.
    test::FakeServer fake([](wire::net::Conn& c, int) {
        (void)test::FakeServer::read_until(c, "HELLO");
        (void)c.write(std::string_view("%0\r\n"));
        (void)test::FakeServer::read_until(c, "PING");
        (void)c.write(std::string_view("?garbage\r\n"));
        (void)test::FakeServer::read_until(c, "never");
    });
    Options bad = options_for(fake.address());
    bad.ping_interval = 20ms;
    BlockingClient broken(bad);
    BlockingClient good(options_for(server.address()));
    REQUIRE(good.wait_connected(2s));
    REQUIRE(eventually([&] { return broken.client().stats().losses >= 1; }, 2000ms));
    CHECK(broken.client().last_error() == Error::bad_type);
    CHECK(eventually([&] { return fake.accepted() >= 2; }, 2000ms));
    // The other connection never noticed.
    CHECK(good.command({"PING"}));
    CHECK(good.client().stats().losses == 0);
}

TEST_CASE("a reply over the limits closes the connection with its own error") {
    test::FakeServer fake([](wire::net::Conn& c, int) {
        (void)test::FakeServer::read_until(c, "HELLO");
        (void)c.write(std::string_view("%0\r\n"));
        (void)test::FakeServer::read_until(c, "GET");
        (void)c.write(std::string_view("$100000\r\n"));
        (void)test::FakeServer::read_until(c, "never");
    });
    Options o = options_for(fake.address());
    o.limits.max_bulk_length = 1000;
    o.backoff_min = 1000ms;  // one connection is enough here
    BlockingClient redis(o);
    REQUIRE(redis.wait_connected(2s));
    CHECK(redis.command({"GET", "k"}).error() == Error::connection_lost);
    CHECK(redis.client().last_error() == Error::bulk_too_long);
}

TEST_CASE("an sunsubscribe the client did not ask for is answered with SSUBSCRIBE again") {
    std::atomic<int> ssubscribes{0};
    test::FakeServer fake([&](wire::net::Conn& c, int) {
        (void)test::FakeServer::read_until(c, "HELLO");
        (void)c.write(std::string_view("%0\r\n"));
        (void)test::FakeServer::read_until(c, "SSUBSCRIBE");
        ++ssubscribes;
        (void)c.write(std::string_view(">3\r\n$10\r\nssubscribe\r\n$2\r\nch\r\n:1\r\n"));
        // The slot moved (redis 7 tells the subscriber so by itself).
        (void)c.write(std::string_view(">3\r\n$12\r\nsunsubscribe\r\n$2\r\nch\r\n:0\r\n"));
        if (test::FakeServer::read_until(c, "SSUBSCRIBE").find("SSUBSCRIBE") != std::string::npos)
            ++ssubscribes;
        (void)c.write(std::string_view(">3\r\n$10\r\nssubscribe\r\n$2\r\nch\r\n:1\r\n"));
        (void)test::FakeServer::read_until(c, "never");
    });
    test::LoopThread lt;
    std::unique_ptr<Subscriber> sub;
    lt.run([&] {
        sub = std::make_unique<Subscriber>(lt.loop, options_for(fake.address()), nullptr);
        sub->start();
    });
    sub->subscribe("ch", /*sharded=*/true);
    CHECK(eventually([&] { return ssubscribes.load() == 2; }, 2000ms));
    CHECK(eventually([&] { return sub->confirmed() == 1; }));
    CHECK(sub->stats().resubscribes == 1);
    CHECK(sub->stats().losses == 0);
    lt.run([&] { sub.reset(); });
}
