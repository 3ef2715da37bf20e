// LoopConn's read buffers against what a peer claims and sends: a frame header announces its
// payload length, and a peer may announce 16 MiB and then send nothing. The memory a connection
// holds must follow the bytes that arrived, not the claim; the frame must still be served whole
// when the rest arrives, however it is cut; no byte read before the connection existed is lost,
// however many there are; and a payload assembled in the connection's own buffer stays valid for
// its handler even when the connection ends inside it.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/loop_group.hpp"
#include "tests/net/helpers.hpp"
#include "tests/support/eventually.hpp"
#include "tests/websocket/event_client.hpp"
#include "websocket/conn.hpp"
#include "websocket/engine.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/ws_server.hpp"

using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::websocket::test::Client;

namespace {

// Waits here cover 16 MiB echoes under the sanitizers: 5 s rather than the usual 3.
template <class F>
bool eventually(F f) {
    return wire::test::eventually(f, 5000ms);
}

constexpr std::size_t claimed = 16 * 1024 * 1024;  // Limits::max_message_size, the default
constexpr std::size_t bound = 64 * 1024;           // what a stalled claim may cost us

// An echo route that remembers its connections, so the test can ask each for memory_usage().
struct Echo {
    struct Open {
        LoopConn* conn;
        wire::net::EventLoop* loop;
    };
    std::mutex mu;
    std::vector<Open> open;  // added and removed on the connections' loop threads
    std::unique_ptr<WebSocketServer> server;

    Echo() {
        Endpoint e;
        e.options.limits.max_queued_bytes = 2 * claimed;  // the 16 MiB echo is queued whole
        e.handlers.on_open = [this](LoopConn& c) {
            std::lock_guard lock(mu);
            open.push_back({&c, &c.loop()});
        };
        e.handlers.on_close = [this](LoopConn& c, std::uint16_t, std::string_view) {
            std::lock_guard lock(mu);
            std::erase_if(open, [&](const Open& o) { return o.conn == &c; });
        };
        e.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
            (void)c.send(m.opcode, m.payload);
        };
        ServerOptions o;
        o.loops = 2;
        server = std::make_unique<WebSocketServer>(o);
        server->route("/", std::move(e));
        REQUIRE_FALSE(server->listen("127.0.0.1:0"));
        server->start();
    }

    // memory_usage() of every open connection, each read on its own loop thread (a connection
    // that closed meanwhile is left out).
    std::vector<std::size_t> usage() {
        std::vector<Open> now;
        {
            std::lock_guard lock(mu);
            now = open;
        }
        struct Answers {
            std::mutex mu;
            std::vector<std::size_t> bytes;
            std::size_t count = 0;
        };
        auto answers = std::make_shared<Answers>();
        for (const Open& o : now) {
            o.loop->post([this, o, answers] {
                std::lock_guard lock(mu);  // still open: on_close runs on this same thread
                const bool alive = std::any_of(open.begin(), open.end(),
                                               [&](const Open& x) { return x.conn == o.conn; });
                std::lock_guard a(answers->mu);
                if (alive) answers->bytes.push_back(o.conn->memory_usage());
                ++answers->count;
            });
        }
        for (;;) {
            {
                std::lock_guard a(answers->mu);
                if (answers->count == now.size()) return answers->bytes;
            }
            std::this_thread::sleep_for(1ms);
        }
    }
};

// A whole masked binary frame as a client sends it (the mask key of test::Client).
std::string client_frame(const std::string& payload) {
    std::vector<std::uint8_t> out(frame_size(payload.size(), true));
    const auto r = encode_frame(
        make_header(Opcode::binary, true, Role::client, MaskKey{0x11, 0x22, 0x33, 0x44}),
        {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, out);
    REQUIRE_FALSE(r.error);
    return {reinterpret_cast<const char*>(out.data()), r.written};
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
    return s;
}

// Each connection holds more than an idle one (its partial frame arrived), and no more than
// `bound` however large the claim.
void check_stalled(Echo& echo, std::size_t count) {
    REQUIRE(eventually([&] {
        const auto u = echo.usage();
        return u.size() == count && std::all_of(u.begin(), u.end(), [](auto b) { return b > 512; });
    }));
    std::size_t worst = 0;
    for (const std::size_t b : echo.usage())
        worst = std::max(worst, b);
    MESSAGE("largest connection with a stalled 16 MiB claim: " << worst << " B");
    CHECK(worst < bound);
}

}  // namespace

TEST_CASE("LoopConn: a stalled 16 MiB frame header costs what arrived, then echoes whole") {
    test::raise_fd_limit();
    Echo echo;
    const std::string payload = pattern(claimed);
    const std::string frame = client_frame(payload);
    constexpr std::size_t conns = 64;
    constexpr std::size_t sent = 14 + 10;  // the 14-byte header and 10 payload bytes
    std::vector<Client> clients;
    for (std::size_t i = 0; i < conns; ++i) {
        clients.push_back(Client::connect(echo.server->port()));
        REQUIRE(clients.back().write_all(std::string_view(frame).substr(0, sent)));
    }
    check_stalled(echo, conns);

    // The rest arrives: the whole message comes back byte for byte, and the connection is
    // idle again (no read buffer kept).
    Client& c = clients.front();
    REQUIRE(c.write_all(std::string_view(frame).substr(sent)));
    const auto back = c.read_message();
    REQUIRE(back);
    CHECK(back->size() == payload.size());
    CHECK(*back == payload);
    clients.erase(clients.begin() + 1, clients.end());
    REQUIRE(eventually([&] { return echo.usage().size() == 1; }));
    CHECK(echo.usage().front() <= 512);
}

TEST_CASE("LoopConn: a buffer grown for a large frame is not kept for a stalled one behind it") {
    Echo echo;
    Client c = Client::connect(echo.server->port());
    const std::string big = pattern(3 * 1024 * 1024);
    const std::string stalled = client_frame(pattern(claimed)).substr(0, 14 + 10);
    // One write: the end of the large frame and the start of the claim may share a read.
    REQUIRE(c.write_all(client_frame(big) + stalled));
    const auto back = c.read_message();
    REQUIRE(back);
    CHECK(*back == big);
    check_stalled(echo, 1);
}

TEST_CASE("LoopConn: a frame cut anywhere, or sent one byte at a time, echoes byte for byte") {
    Echo echo;
    Client c = Client::connect(echo.server->port());
    const int one = 1;  // each write its own segment, so the server's reads see the cuts
    ::setsockopt(c.socket().fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    SUBCASE("one byte at a time") {
        for (const std::size_t size : {0u, 1u, 125u, 126u, 300u, 65536u + 3}) {
            const std::string payload = pattern(size);
            const std::string frame = client_frame(payload);
            const std::size_t dribble = std::min<std::size_t>(frame.size(), 400);
            for (std::size_t i = 0; i < dribble; ++i) {
                REQUIRE(c.write_all(std::string_view(frame).substr(i, 1)));
                if (i % 16 == 0) std::this_thread::sleep_for(100us);  // let reads see the cuts
            }
            REQUIRE(c.write_all(std::string_view(frame).substr(dribble)));
            const auto back = c.read_message();
            REQUIRE(back);
            CHECK(*back == payload);
        }
    }
    SUBCASE("cut in the header, at the payload, and at buffer-growth sizes") {
        const std::string payload = pattern(600 * 1024);  // more than the loop's 256 KiB buffer
        const std::string frame = client_frame(payload);
        const std::size_t cuts[] = {1,    2,    5,     13,    14,     15,     4095,
                                    4096, 4097, 12000, 65536, 300000, 500000, frame.size() - 1};
        std::size_t at = 0;
        for (const std::size_t cut : cuts) {
            REQUIRE(c.write_all(std::string_view(frame).substr(at, cut - at)));
            at = cut;
            std::this_thread::sleep_for(2ms);
        }
        REQUIRE(c.write_all(std::string_view(frame).substr(at)));
        const auto back = c.read_message();
        REQUIRE(back);
        CHECK(*back == payload);
    }
    REQUIRE(eventually([&] { return echo.usage().size() == 1 && echo.usage().front() <= 512; }));
}

TEST_CASE("LoopConn: bytes read with the handshake are all served, more than the loop's buffer") {
    wire::net::LoopGroup group(1);
    group.start();
    Endpoint echo;  // outlives the connection
    echo.handlers.on_message = [](LoopConn& c, const LoopMessage& m) {
        (void)c.send(m.opcode, m.payload);
    };
    Engine engine;
    // Three 200 KiB frames and the first half of a fourth came with the handshake (a server
    // configured for long upgrade requests may read that much): more than the loop's 256 KiB.
    std::vector<std::string> payloads;
    std::string frames;
    for (int i = 0; i < 4; ++i) {
        payloads.push_back(pattern(200 * 1024 + static_cast<std::size_t>(i)));
        frames += client_frame(payloads.back());
    }
    const std::size_t already = frames.size() - payloads.back().size() / 2;
    auto [raw, server_end] = wire::net::test::conn_pair();
    wire::net::Socket socket = server_end.release();
    std::promise<bool> adopted;
    group.loop(0).post([&] {
        const std::span<const std::uint8_t> bytes{
            reinterpret_cast<const std::uint8_t*>(frames.data()), already};
        adopted.set_value(engine.adopt(group.loop(0), std::move(socket), bytes, echo) != nullptr);
    });
    REQUIRE(adopted.get_future().get());
    REQUIRE(raw.write(std::string_view(frames).substr(already)));  // the rest of the fourth

    ConnOptions o;
    o.role = Role::client;
    Conn client(std::move(raw), o);
    client.set_read_deadline(Clock::now() + 5s);  // a lost byte fails here, not hangs
    for (const std::string& want : payloads) {
        auto m = client.read_message();
        REQUIRE(m);
        CHECK(std::string_view(reinterpret_cast<const char*>(m->data.data()), m->data.size()) ==
              want);
    }
    (void)client.close(close_code::normal, "", 2s);
    group.stop();  // the Engine goes while its loops are not running (engine.hpp)
    group.wait();
}

TEST_CASE("LoopConn: a handler's payload stays valid after a send that finds the peer gone") {
    // A frame larger than the loop's buffer is assembled in the connection's own buffer. The
    // peer closes right after sending it: the handler's first write reaches a closed socket,
    // whose kernel answers with a reset, so its second write fails and the connection ends
    // inside the handler. The payload the handler holds must stay readable all the same.
    std::atomic<int> handled{0}, intact{0}, dropped{0};
    const std::string payload = pattern(600 * 1024);
    Endpoint e;
    e.handlers.on_message = [&](LoopConn& c, const LoopMessage& m) {
        const auto part = m.payload.first(32 * 1024);  // above the cork: written at once
        (void)c.send(m.opcode, part);
        std::this_thread::sleep_for(5ms);  // the reset comes back
        if (c.send(m.opcode, part) == SendStatus::dropped) ++dropped;
        const std::string_view seen(reinterpret_cast<const char*>(m.payload.data()),
                                    m.payload.size());
        if (seen == payload) ++intact;
        ++handled;
    };
    ServerOptions o;
    o.loops = 1;
    WebSocketServer server(o);
    server.route("/", std::move(e));
    REQUIRE_FALSE(server.listen("127.0.0.1:0"));
    server.start();
    constexpr int rounds = 5;
    for (int round = 0; round < rounds; ++round) {
        Client c = Client::connect(server.port());
        REQUIRE(c.write_all(client_frame(payload)));
    }  // each client closes here, its frame unanswered
    REQUIRE(eventually([&] { return handled.load() == rounds; }));
    MESSAGE("sends that found the peer gone: " << dropped.load() << " of " << rounds);
    CHECK(dropped.load() > 0);
    CHECK(intact.load() == rounds);
}
