// Hubs of three instances (each a WebSocketServer with its own Engine, in this process) joined
// by RedisBackplanes through a real redis-server: every message reaches every client once, in
// order per publisher; after redis restarts, delivery resumes within 2 s.
#include "cluster/redis_backplane.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

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

// One instance: a WebSocket server whose clients subscribe to "room" and whose messages are
// published there, and its backplane on a loop of its own.
struct Instance {
    std::atomic<int> opened{0};
    std::unique_ptr<websocket::WebSocketServer> server;
    net::EventLoop redis_loop;
    std::unique_ptr<cluster::RedisBackplane> backplane;
    std::thread redis_thread;

    Instance(const std::string& redis_address, bool sharded) {
        cluster::RedisBackplaneOptions o;
        o.redis.address = redis_address;
        o.redis.backoff_min = 10ms;
        o.redis.backoff_max = 100ms;
        o.sharded = sharded;
        backplane = std::make_unique<cluster::RedisBackplane>(redis_loop, o);
        REQUIRE_FALSE(backplane->start());
        redis_thread = std::thread([this] { (void)redis_loop.run(); });

        websocket::ServerOptions so;
        so.loops = 2;
        server = std::make_unique<websocket::WebSocketServer>(so);
        server->hub().set_backplane(backplane.get());
        websocket::Hub& hub = server->hub();
        websocket::Endpoint e;
        e.handlers.on_open = [this](websocket::LoopConn& c) {
            c.subscribe("room");
            opened.fetch_add(1);
        };
        e.handlers.on_message = [&hub](websocket::LoopConn&, const websocket::LoopMessage& m) {
            hub.publish("room", m.opcode, m.payload);
        };
        server->route("/", std::move(e));
        REQUIRE_FALSE(server->listen("127.0.0.1:0"));
        server->start();
    }
    ~Instance() {
        server->stop();
        server->wait();
        server.reset();  // the Engine (and its Hub) before the backplane it uses
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

// Reads `count` messages from `c`; "publisher:seq" each.
std::vector<std::string> read_n(WsClient& c, int count) {
    std::vector<std::string> got;
    for (int i = 0; i < count; ++i) {
        auto m = c.read_message();
        if (!m) break;
        got.push_back(*m);
    }
    return got;
}

void run_exactly_once(bool sharded) {
    RedisServer redis;
    REQUIRE(redis.ready());
    constexpr std::size_t kInstances = 3, kClients = 4;
    constexpr int kMessages = 50;
    std::vector<std::unique_ptr<Instance>> instances;
    for (std::size_t i = 0; i < kInstances; ++i)
        instances.push_back(std::make_unique<Instance>(redis.address(), sharded));
    std::vector<std::vector<WsClient>> clients(kInstances);
    for (std::size_t i = 0; i < kInstances; ++i) {
        for (std::size_t k = 0; k < kClients; ++k)
            clients[i].push_back(WsClient::connect(instances[i]->server->port()));
    }
    for (auto& in : instances) {
        REQUIRE(eventually([&] { return in->opened.load() == int(kClients); }));
        REQUIRE(eventually([&] { return in->backplane->subscriber().confirmed() == 1; }));
        REQUIRE(eventually([&] { return in->backplane->publisher().connected(); }));
    }
    // The first client of each instance publishes kMessages, interleaved with the others.
    for (int m = 0; m < kMessages; ++m) {
        for (std::size_t i = 0; i < kInstances; ++i)
            REQUIRE(clients[i][0].send(websocket::Opcode::text,
                                       std::to_string(i) + ":" + std::to_string(m)));
    }
    for (std::size_t i = 0; i < kInstances; ++i) {
        for (std::size_t k = 0; k < kClients; ++k) {
            CAPTURE(i);
            CAPTURE(k);
            const auto got = read_n(clients[i][k], int(kInstances) * kMessages);
            REQUIRE(got.size() == kInstances * std::size_t(kMessages));
            // Exactly once, and in order per publisher.
            std::map<std::string, int> next;
            for (const auto& msg : got) {
                const auto colon = msg.find(':');
                const std::string from = msg.substr(0, colon);
                CHECK(std::stoi(msg.substr(colon + 1)) == next[from]++);
            }
            for (std::size_t p = 0; p < kInstances; ++p)
                CHECK(next[std::to_string(p)] == kMessages);
            // Nothing more comes (no duplicates).
            clients[i][k].set_timeout(100ms);
            CHECK_FALSE(clients[i][k].read_message());
            clients[i][k].set_timeout(5000ms);
        }
    }
    for (auto& in : instances) {
        const auto s = in->backplane->stats();
        CHECK(s.published == kMessages);
        CHECK(s.received == kInstances * std::size_t(kMessages));  // its own come back too, and are dropped
        CHECK(s.lost == 0);
    }
}

}  // namespace

TEST_CASE("three instances through redis: every message reaches every client exactly once") {
    if (!RedisServer::available()) return;
    run_exactly_once(/*sharded=*/false);
}

TEST_CASE("three instances through redis with sharded pub/sub (SSUBSCRIBE/SPUBLISH)") {
    if (!RedisServer::available()) return;
    run_exactly_once(/*sharded=*/true);
}

TEST_CASE("redis restarts: local delivery goes on, the gap is counted lost, delivery resumes") {
    if (!RedisServer::available()) return;
    RedisServer redis;
    REQUIRE(redis.ready());
    Instance a(redis.address(), false), b(redis.address(), false);
    WsClient ca = WsClient::connect(a.server->port());
    WsClient cb = WsClient::connect(b.server->port());
    REQUIRE(eventually([&] { return a.opened == 1 && b.opened == 1; }));
    REQUIRE(eventually([&] {
        return a.backplane->subscriber().confirmed() == 1 &&
               b.backplane->subscriber().confirmed() == 1 && a.backplane->connected();
    }));
    REQUIRE(ca.send(websocket::Opcode::text, "before"));
    CHECK(ca.read_message() == "before");
    CHECK(cb.read_message() == "before");

    redis.stop();
    REQUIRE(eventually([&] { return !a.backplane->publisher().connected(); }));
    // Redis is down: the local client still hears; the other instance cannot, and it is counted.
    REQUIRE(ca.send(websocket::Opcode::text, "during"));
    CHECK(ca.read_message() == "during");
    CHECK(eventually([&] { return a.server->hub().backplane_lost() == 1; }));

    REQUIRE(redis.start());
    const auto back = std::chrono::steady_clock::now();
    // Probe until a message crosses again; it must within 2 s of redis being back.
    cb.set_timeout(50ms);
    bool crossed = false;
    int probes = 0;
    while (!crossed && std::chrono::steady_clock::now() - back < 3s) {
        (void)ca.send(websocket::Opcode::text, "probe" + std::to_string(probes++));
        while (auto m = cb.read_message()) {
            crossed = true;
            CHECK(m->rfind("probe", 0) == 0);
        }
    }
    REQUIRE(crossed);
    CHECK(std::chrono::steady_clock::now() - back < 2s + 100ms);
    CHECK(b.backplane->stats().resubscribes >= 1);
    CHECK(b.backplane->stats().reconnects >= 1);
}

TEST_CASE(
    "one SUBSCRIBE per topic in use: the first subscriber subscribes, the last unsubscribes") {
    if (!RedisServer::available()) return;
    RedisServer redis;
    REQUIRE(redis.ready());
    Instance a(redis.address(), false);
    std::vector<WsClient> clients;
    for (int i = 0; i < 10; ++i)
        clients.push_back(WsClient::connect(a.server->port()));
    REQUIRE(eventually([&] { return a.opened == 10; }));
    REQUIRE(eventually([&] { return a.backplane->subscriber().confirmed() == 1; }));
    redis::Options po;
    po.address = redis.address();
    redis::BlockingClient probe(po);
    REQUIRE(probe.wait_connected(2s));
    auto n = probe.command({"PUBSUB", "NUMSUB", "wire:room"});
    REQUIRE(n);
    redis::RespCursor c = n->view().cursor();
    redis::Value v;
    REQUIRE(c.next(v));
    REQUIRE(c.next(v));
    REQUIRE(c.next(v));
    CHECK(v.integer == 1);  // one subscription for ten WebSocket subscribers
    clients.clear();        // every subscriber leaves
    CHECK(eventually([&] { return a.backplane->subscriber().confirmed() == 0; }));
}
