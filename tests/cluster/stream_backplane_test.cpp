// RedisBackplane in Streams mode: a reader that loses its connection, and a redis restarted with
// its data (appendonly), lose nothing within the retained length: each instance reads on from
// the last entry id it has seen.
#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_backplane.hpp"
#include "redis/blocking_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/websocket/event_client.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire;
using namespace std::chrono_literals;
using wire::test::eventually;
using wire::test::RedisServer;
using WsClient = wire::websocket::test::Client;

namespace {

// One instance in Streams mode, its redis connections named `name` (CLIENT LIST shows them).
struct StreamInstance {
    std::unique_ptr<websocket::WebSocketServer> server;
    net::EventLoop redis_loop;
    std::unique_ptr<cluster::RedisBackplane> backplane;
    std::thread redis_thread;

    StreamInstance(const std::string& redis_address, const std::string& name) {
        cluster::RedisBackplaneOptions o;
        o.redis.address = redis_address;
        o.redis.client_name = name;
        o.redis.backoff_min = 10ms;
        o.redis.backoff_max = 100ms;
        o.streams = true;
        o.stream_maxlen = 1000;
        backplane = std::make_unique<cluster::RedisBackplane>(redis_loop, o);
        REQUIRE_FALSE(backplane->start());
        redis_thread = std::thread([this] { (void)redis_loop.run(); });
        websocket::ServerOptions so;
        so.loops = 1;
        server = std::make_unique<websocket::WebSocketServer>(so);
        server->hub().set_backplane(backplane.get());
        websocket::Hub& hub = server->hub();
        websocket::Endpoint e;
        e.handlers.on_open = [](websocket::LoopConn& c) { c.subscribe("room"); };
        e.handlers.on_message = [&hub](websocket::LoopConn&, const websocket::LoopMessage& m) {
            hub.publish("room", m.opcode, m.payload);
        };
        server->route("/", std::move(e));
        REQUIRE_FALSE(server->listen("127.0.0.1:0"));
        server->start();
    }
    ~StreamInstance() {
        server->stop();
        server->wait();
        server.reset();
        std::promise<void> stopped;
        redis_loop.post([&] {
            backplane.reset();
            stopped.set_value();
            redis_loop.stop();
        });
        stopped.get_future().wait();
        redis_thread.join();
    }
};

// Sends "probe" from `from` until `to` hears one (the reader follows the stream), then drains
// both: afterwards both are quiet and joined.
void join(WsClient& from, WsClient& to) {
    to.set_timeout(100ms);
    bool heard = false;
    for (int i = 0; i < 100 && !heard; ++i) {
        REQUIRE(from.send(websocket::Opcode::text, "probe"));
        heard = to.read_message().has_value();
    }
    REQUIRE(heard);
    from.set_timeout(300ms);
    to.set_timeout(300ms);
    while (from.read_message()) {
    }
    while (to.read_message()) {
    }
    from.set_timeout(5s);
    to.set_timeout(5s);
}

// Closes, from the server's side, the XREAD connection of the instance named `name`.
bool kill_reader(redis::BlockingClient& probe, const std::string& name) {
    auto list = probe.command({"CLIENT", "LIST"});
    if (!list) return false;
    const std::string text(list->value().text);
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        if (line.find(" name=" + name + " ") == std::string::npos) continue;
        if (line.find("cmd=xread") == std::string::npos) continue;
        const std::string id = line.substr(3, line.find(' ') - 3);  // "id=N ..."
        auto killed = probe.command({"CLIENT", "KILL", "ID", id});
        return killed && killed->value().integer == 1;
    }
    return false;
}

// Expects "m0".."m{n-1}" on `c`, in order, each once. A probe of join() may still arrive first:
// on a loaded machine one can take longer than join()'s quiet period to come through.
void expect_sequence(WsClient& c, int n) {
    for (int i = 0; i < n; ++i) {
        auto m = c.read_message();
        while (i == 0 && m && *m == "probe")
            m = c.read_message();
        REQUIRE(m);
        REQUIRE(*m == "m" + std::to_string(i));
    }
    c.set_timeout(300ms);
    CHECK_FALSE(c.read_message());
}

}  // namespace

TEST_CASE("streams: a reader that loses its connection reads on from its last id") {
    if (!RedisServer::available()) return;
    RedisServer redis;
    REQUIRE(redis.ready());
    StreamInstance a(redis.address(), "inst-a"), b(redis.address(), "inst-b");
    WsClient ca = WsClient::connect(a.server->port());
    WsClient cb = WsClient::connect(b.server->port());
    join(ca, cb);
    redis::Options po;
    po.address = redis.address();
    redis::BlockingClient probe(po);
    REQUIRE(probe.wait_connected(2s));
    // b's reader is cut off, and a burst is published while it reconnects. (A probe of join()
    // may have been lost before a's publisher connected: only the burst counts.)
    const auto lost_before = a.backplane->stats().lost;
    REQUIRE(kill_reader(probe, "inst-b"));
    constexpr int kMessages = 200;
    for (int i = 0; i < kMessages; ++i)
        REQUIRE(ca.send(websocket::Opcode::text, "m" + std::to_string(i)));
    expect_sequence(cb, kMessages);
    CHECK(b.backplane->stats().reconnects >= 1);
    CHECK(a.backplane->stats().lost == lost_before);
}

TEST_CASE("streams: redis restarted with its data (appendonly) loses nothing that it stored") {
    if (!RedisServer::available()) return;
    RedisServer redis({"--appendonly", "yes", "--appendfsync", "always"});
    REQUIRE(redis.ready());
    StreamInstance a(redis.address(), "inst-a"), b(redis.address(), "inst-b");
    WsClient ca = WsClient::connect(a.server->port());
    WsClient cb = WsClient::connect(b.server->port());
    join(ca, cb);
    redis::Options po;
    po.address = redis.address();
    po.backoff_min = 10ms;
    po.backoff_max = 50ms;
    // b cannot read for a while (its loop is busy), and its reader is cut off meanwhile: what a
    // publishes now is in redis only, and redis is killed and restarted before b reads it.
    std::promise<void> busy;
    b.redis_loop.post([&] {
        busy.set_value();
        std::this_thread::sleep_for(800ms);
    });
    busy.get_future().wait();
    {
        redis::BlockingClient probe(po);
        REQUIRE(probe.wait_connected(2s));
        REQUIRE(kill_reader(probe, "inst-b"));
    }
    constexpr int kBefore = 20, kAfter = 20;
    for (int i = 0; i < kBefore; ++i)
        REQUIRE(ca.send(websocket::Opcode::text, "m" + std::to_string(i)));
    for (int i = 0; i < kBefore; ++i)
        REQUIRE(ca.read_message() == "m" + std::to_string(i));  // local delivery
    REQUIRE(eventually([&] { return a.backplane->stats().published >= kBefore; }));
    REQUIRE(redis.restart());
    REQUIRE(eventually([&] { return a.backplane->connected() && b.backplane->connected(); }, 5s));
    for (int i = kBefore; i < kBefore + kAfter; ++i)
        REQUIRE(ca.send(websocket::Opcode::text, "m" + std::to_string(i)));
    expect_sequence(cb, kBefore + kAfter);
}

TEST_CASE("streams: what is published while redis is down waits, and arrives once it is back") {
    if (!RedisServer::available()) return;
    RedisServer redis;  // no persistence: the streams start empty again after the restart
    REQUIRE(redis.ready());
    StreamInstance a(redis.address(), "inst-a"), b(redis.address(), "inst-b");
    WsClient ca = WsClient::connect(a.server->port());
    WsClient cb = WsClient::connect(b.server->port());
    join(ca, cb);
    const auto lost_before = a.backplane->stats().lost;
    redis.stop();
    REQUIRE(eventually([&] { return !a.backplane->publisher().connected(); }));
    // Redis is down: local delivery goes on, and the other instance's share waits in the outbox.
    constexpr int kGap = 50;
    for (int i = 0; i < kGap; ++i)
        REQUIRE(ca.send(websocket::Opcode::text, "m" + std::to_string(i)));
    for (int i = 0; i < kGap; ++i)
        REQUIRE(ca.read_message() == "m" + std::to_string(i));
    CHECK(a.server->hub().backplane_lost() == 0);
    REQUIRE(redis.start());
    const auto back = std::chrono::steady_clock::now();
    for (int i = 0; i < kGap; ++i) {
        auto m = cb.read_message();
        REQUIRE(m);
        REQUIRE(*m == "m" + std::to_string(i));
    }
    CHECK(std::chrono::steady_clock::now() - back < 2s);
    cb.set_timeout(300ms);
    CHECK_FALSE(cb.read_message());  // each once
    CHECK(a.backplane->stats().lost == lost_before);
}

TEST_CASE("streams: the outbox is bounded; beyond it messages are counted lost") {
    if (!RedisServer::available()) return;
    RedisServer redis;
    REQUIRE(redis.ready());
    net::EventLoop loop;
    cluster::RedisBackplaneOptions o;
    o.redis.address = redis.address();
    o.streams = true;
    o.stream_outbox = 3;
    redis.stop();
    cluster::RedisBackplane backplane(loop, o);
    REQUIRE_FALSE(backplane.start());
    const std::uint8_t byte = 'x';
    for (int i = 0; i < 3; ++i)
        CHECK(backplane.publish("room", {}, {&byte, 1}));
    CHECK_FALSE(backplane.publish("room", {}, {&byte, 1}));
    CHECK(backplane.stats().lost == 1);
}

TEST_CASE("streams and sharded pub/sub together are refused by start(), with their own error") {
    net::EventLoop loop;
    cluster::RedisBackplaneOptions o;
    o.redis.address = "127.0.0.1:1";  // never dialled: start() refuses first
    o.streams = true;
    o.sharded = true;
    cluster::RedisBackplane both(loop, o);
    const std::error_code ec = both.start();
    CHECK(ec == cluster::Error::streams_not_sharded);
    CHECK(ec.message().find("Streams mode does not combine with sharded") != std::string::npos);
    CHECK(both.publisher().stats().connects == 0);
    o.sharded = false;
    o.stream_maxlen = 0;
    cluster::RedisBackplane empty(loop, o);
    CHECK(empty.start() == cluster::Error::stream_maxlen_zero);
}
