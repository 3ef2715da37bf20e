// examples/demo as a cluster of separate processes, the way `make run-cluster` starts it: a real
// redis-server, three demo instances joined through it (--redis, --instance) and nginx in front
// as the load balancer, proxying WebSocket upgrades round robin. Clients connected through nginx
// land on different instances; every chat message reaches every client once, in order per
// publisher; a restarted redis-server is found again by every instance, which subscribes again,
// and chat crosses instances within 2 s; an instance stopped with SIGTERM closes its clients
// with 1001, which nginx passes on, and they reconnect through nginx to another instance.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "example_process.hpp"
#include "redis/blocking_client.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/websocket/event_client.hpp"
#include "websocket/close.hpp"

using namespace std::chrono_literals;
using wire::http::test::free_loopback_port;
using wire::http::test::PeerProcess;
using wire::http::test::TempDir;
using wire::test::eventually;
using wire::test::ExampleProcess;
using wire::test::RedisServer;
using WsClient = wire::websocket::test::Client;

namespace {

// nginx on `port` balancing /chat (and everything else) over the instances, round robin.
// RFC 7230 §6.7 / RFC 6455 §4.1: Upgrade and Connection are hop-by-hop, so a proxy must pass
// them on explicitly, over HTTP/1.1, for the upgrade to reach the instance.
std::string balancer_config(const std::filesystem::path& dir, std::uint16_t port,
                            const std::vector<int>& instances) {
    const std::string d = dir.string();
    std::string upstream = " upstream demo {\n";
    for (const int p : instances)
        upstream += "  server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=10s;\n";
    upstream += " }\n";
    return "daemon off; master_process off; worker_processes 1;\n"
           "pid " +
           d + "/nginx.pid; error_log " + d +
           "/error.log;\n"
           "events { worker_connections 256; }\n"
           "http {\n access_log off;\n"
           " client_body_temp_path " +
           d + "/tmp; proxy_temp_path " + d +
           "/tmp;\n"
           " fastcgi_temp_path " +
           d + "/tmp; uwsgi_temp_path " + d +
           "/tmp;\n"
           " scgi_temp_path " +
           d + "/tmp;\n" + upstream + " server {\n  listen 127.0.0.1:" + std::to_string(port) +
           ";\n"
           "  location / {\n"
           "   proxy_pass http://demo;\n"
           "   proxy_http_version 1.1;\n"
           "   proxy_set_header Upgrade $http_upgrade;\n"
           "   proxy_set_header Connection \"upgrade\";\n"
           "   proxy_read_timeout 60s;\n"
           "  }\n }\n}\n";
}

// A chat client through nginx and the instance it landed on (the server's first message).
struct ChatClient {
    WsClient ws;
    std::string instance;
};

ChatClient join(std::uint16_t port) {
    ChatClient c{WsClient::connect(port, "/chat"), {}};
    auto first = c.ws.read_message();
    REQUIRE(first);
    REQUIRE(first->starts_with("instance "));
    c.instance = first->substr(9);
    return c;
}

// How many redis subscriptions a channel has: for the chat, one per instance with a chat tab.
long long subscriptions(wire::redis::BlockingClient& probe,
                        std::string_view channel = "wire-demo:chat:chat") {
    auto n = probe.command({"PUBSUB", "NUMSUB", channel});
    if (!n) return -1;
    wire::redis::RespCursor c = n->view().cursor();
    wire::redis::Value v;
    if (!c.next(v) || !c.next(v) || !c.next(v)) return -1;
    return v.integer;
}

}  // namespace

TEST_CASE("demo cluster: three instances behind nginx, one redis") {
    if (!RedisServer::available() || !wire::http::test::have_program("nginx")) {
        MESSAGE("redis-server or nginx not installed: skipped");
        return;
    }
    RedisServer redis;
    REQUIRE(redis.ready());
    const std::vector<std::string> names{"a", "b", "c"};
    std::vector<std::unique_ptr<ExampleProcess>> instances;
    std::vector<int> ports;
    for (const auto& name : names) {
        instances.push_back(std::make_unique<ExampleProcess>(
            "demo", std::vector<std::string>{"--redis", redis.address(), "--instance", name}));
        REQUIRE(instances.back()->wait_listening());
        ports.push_back(instances.back()->port());
    }
    TempDir dir;
    const std::uint16_t port = free_loopback_port();
    dir.write("tmp/.keep", "");
    dir.write("nginx.conf", balancer_config(dir.path(), port, ports));
    PeerProcess nginx(
        {"nginx", "-p", dir.path().string(), "-e", (dir.path() / "error.log").string(), "-c",
         (dir.path() / "nginx.conf").string()},
        port);
    REQUIRE(nginx.ready());

    // Six clients, two per instance: round robin spreads them over all three.
    std::vector<ChatClient> clients;
    std::map<std::string, int> per_instance;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(join(port));
        ++per_instance[clients.back().instance];
    }
    CHECK(per_instance.size() == 3);
    for (const auto& entry : per_instance) {
        CAPTURE(entry.first);
        CHECK(entry.second == 2);
    }
    wire::redis::Options po;
    po.address = redis.address();
    wire::redis::BlockingClient probe(po);
    REQUIRE(probe.wait_connected(2s));
    REQUIRE(eventually([&] { return subscriptions(probe) == 3; }, 5s));

    SUBCASE("every message reaches every client exactly once, in order per publisher") {
        constexpr int kMessages = 50;
        // One publisher per instance (clients 0, 1, 2 are on a, b, c in some order).
        for (int j = 0; j < kMessages; ++j) {
            for (int p = 0; p < 3; ++p) {
                const std::string m = "p" + std::to_string(p) + ": " + std::to_string(j);
                REQUIRE(clients[std::size_t(p)].ws.send(wire::websocket::Opcode::text, m));
            }
        }
        for (auto& c : clients) {
            CAPTURE(c.instance);
            std::vector<int> next(3, 0);
            for (int k = 0; k < 3 * kMessages; ++k) {
                auto m = c.ws.read_message();
                REQUIRE(m);
                const int p = (*m)[1] - '0';
                REQUIRE((p >= 0 && p < 3));
                CHECK(m->substr(4) == std::to_string(next[std::size_t(p)]));  // in order
                ++next[std::size_t(p)];
            }
            c.ws.set_timeout(300ms);
            CHECK_FALSE(c.ws.read_message());  // and nothing twice
        }
    }

    SUBCASE("a system message POSTed to one instance reaches the push pages of the others") {
        REQUIRE(eventually([&] { return subscriptions(probe, "wire-demo:push:system") == 3; }));
        std::vector<WsClient> listeners;
        for (const std::size_t i : {std::size_t(1), std::size_t(2)}) {
            listeners.push_back(
                WsClient::connect(std::uint16_t(ports[i]), "/socket/system/message"));
            // The listener joins a moment after its 101: POST to its own instance until it counts.
            const std::string api = wire::test::local_url(ports[i], "/api/tool/send_message");
            std::string answer;
            for (int k = 0; k < 100 && answer != "{\"delivered\": 1}\n"; ++k)
                answer = wire::test::run_command("curl -s -d 'message=joined' " + api);
            REQUIRE(answer == "{\"delivered\": 1}\n");
        }
        const std::string api = wire::test::local_url(ports[0], "/api/tool/send_message");
        CHECK(wire::test::run_command("curl -s -d 'message=Deploy finished' " + api) ==
              "{\"delivered\": 0}\n");  // no page on this instance
        for (auto& l : listeners) {
            std::string m;
            do {
                auto got = l.read_message();
                REQUIRE(got);
                m = *got;
            } while (m == "joined");
            CHECK(m == "Deploy finished");
        }
    }

    SUBCASE("redis restarts: every instance resubscribes, chat crosses again within 2 s") {
        REQUIRE(clients[0].instance != clients[1].instance);
        REQUIRE(redis.restart());
        const auto back = std::chrono::steady_clock::now();
        REQUIRE(eventually([&] { return subscriptions(probe) == 3; }, 3s));
        // Probe from one instance until a client of another hears it.
        clients[1].ws.set_timeout(50ms);
        bool crossed = false;
        for (int k = 0; !crossed && std::chrono::steady_clock::now() - back < 3s; ++k) {
            REQUIRE(
                clients[0].ws.send(wire::websocket::Opcode::text, "probe " + std::to_string(k)));
            while (auto m = clients[1].ws.read_message()) {
                CHECK(m->starts_with("probe "));
                crossed = true;
            }
        }
        REQUIRE(crossed);
        CHECK(std::chrono::steady_clock::now() - back < 2s + 200ms);
    }

    SUBCASE("SIGTERM one instance: its clients get 1001 through nginx and reconnect elsewhere") {
        const std::string gone = clients[0].instance;
        const auto index = std::size_t(gone[0] - 'a');
        CHECK(instances[index]->terminate() == 0);
        int closed = 0;
        for (auto& c : clients) {
            if (c.instance != gone) continue;
            auto f = c.ws.read_frame();
            REQUIRE(f);
            CHECK(f->opcode == wire::websocket::Opcode::close);
            CHECK(f->close_code() == wire::websocket::close_code::going_away);
            ++closed;
        }
        CHECK(closed == 2);
        // Reconnecting through nginx lands on a live instance and chats with the others.
        ChatClient again = join(port);
        CHECK(again.instance != gone);
        REQUIRE(eventually([&] { return subscriptions(probe) == 2; }, 5s));
        REQUIRE(again.ws.send(wire::websocket::Opcode::text, "back: hello"));
        CHECK(again.ws.read_message() == "back: hello");
        for (auto& c : clients) {
            if (c.instance == gone) continue;
            CAPTURE(c.instance);
            CHECK(c.ws.read_message() == "back: hello");
        }
    }
}
