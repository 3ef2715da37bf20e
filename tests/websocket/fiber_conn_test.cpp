// websocket::Conn on fibers (net/fiber.hpp): the blocking API unchanged, each call that would
// block parking its fiber on an event loop. The conformance suite is re-run in that mode.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <list>
#include <string>
#include <thread>
#include <vector>

#include "net/fiber.hpp"
#include "net/listener.hpp"
#include "tests/net/helpers.hpp"
#include "websocket/dialer.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace std::chrono_literals;
namespace ws = wire::websocket;

using wire::net::test::LoopThread;

namespace {

// An echo server whose acceptor and connections are fibers of one loop. Each connection's fiber
// upgrades, echoes until the peer closes, then closes; `done` counts the ended ones.
class FiberEchoServer {
  public:
    FiberEchoServer() {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        REQUIRE(l);
        listener_ = std::move(*l);
        net::go(lt_.loop, [this] { accept_loop(); });
    }
    ~FiberEchoServer() {
        stop_ = true;
        while (!accept_ended_ || done.load() < started_.load())
            std::this_thread::sleep_for(1ms);
    }
    int port() const { return listener_.address().port(); }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port()) + "/"; }
    std::atomic<int> done{0};

  private:
    void accept_loop() {
        while (!stop_) {
            auto s = listener_.accept_wait(20ms);  // parks: the loop runs the echo fibers
            if (!s) continue;
            ++started_;
            net::go(lt_.loop, [this, sock = std::make_shared<net::Socket>(std::move(*s))] {
                serve(std::move(*sock));
                ++done;
            });
        }
        accept_ended_ = true;
    }
    static void serve(net::Socket sock) {
        auto conn = ws::Upgrader{}.upgrade_connection(net::Conn(std::move(sock)));
        if (!conn) return;
        for (;;) {
            auto m = conn->read_message();
            if (!m) break;
            if (!conn->write_message(m->type, m->data)) break;
        }
        (void)conn->close(ws::close_code::normal, "", 2s);
    }

    LoopThread lt_;
    net::Listener listener_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> accept_ended_{false};
    std::atomic<int> started_{0};
};

std::string payload(std::size_t size, int seed) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(seed)) % 26);
    return s;
}

}  // namespace

TEST_CASE("fiber echo server: many clients, messages from 0 bytes to 200 KB, all echoed") {
    FiberEchoServer server;
    constexpr int clients = 8;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            auto conn = ws::Dialer{}.dial(server.url());
            if (!conn) return;
            for (std::size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 200000u, 16u}) {
                const std::string text = payload(size, c);
                if (!conn->write_message(ws::Opcode::text, text)) return;
                conn->set_read_deadline(ws::Clock::now() + 10s);
                auto m = conn->read_message();
                if (!m || m->text() != text) return;
            }
            if (!conn->close(ws::close_code::normal, "", 2s)) ++ok;
        });
    }
    for (auto& t : threads)
        t.join();
    CHECK(ok.load() == clients);
}

TEST_CASE("a Dialer and a client Conn on a fiber, against the fiber server on another loop") {
    FiberEchoServer server;
    LoopThread client_loop;
    std::promise<int> echoed;
    net::go(client_loop.loop, [&] {
        auto conn = ws::Dialer{}.dial(server.url());  // the handshake read parks this fiber
        int n = 0;
        for (int i = 0; conn && i < 100; ++i) {
            const std::string text = "fiber client " + std::to_string(i);
            if (!conn->write_message(ws::Opcode::text, text)) break;
            auto m = conn->read_message();
            if (!m || m->text() != text) break;
            ++n;
        }
        if (conn) (void)conn->close(ws::close_code::normal, "", 2s);
        echoed.set_value(n);
    });
    auto f = echoed.get_future();
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    CHECK(f.get() == 100);
}

TEST_CASE("a read deadline set from another thread ends a read_message parked in a fiber") {
    LoopThread lt;
    auto listener = net::Listener::listen(net::Address::ipv4_loopback(0));
    REQUIRE(listener);
    // A server Conn on a fiber, waiting for a message that never comes.
    std::promise<std::error_code> result;
    std::atomic<ws::Conn*> parked{nullptr};
    std::atomic<bool> may_end{false};  // the Conn outlives the other thread's call on it
    std::atomic<bool> ended{false};    // a fiber parked when its loop goes would leak
    net::go(lt.loop, [&] {
        auto s = listener->accept_wait(5s);
        auto conn = s ? ws::Upgrader{}.upgrade_connection(net::Conn(std::move(*s)))
                      : net::Result<ws::Conn>(s.error());
        if (!conn) {
            result.set_value(conn.error());
            ended = true;
            return;
        }
        parked = &*conn;
        auto m = conn->read_message();
        result.set_value(m ? std::error_code{} : m.error());
        while (!may_end)
            net::this_fiber::sleep_for(1ms);
        ended = true;
    });
    auto silent =
        ws::Dialer{}.dial("ws://127.0.0.1:" + std::to_string(listener->address().port()) + "/");
    REQUIRE(silent);
    while (parked.load() == nullptr)
        std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    parked.load()->set_read_deadline(ws::Clock::now());
    auto f = result.get_future();
    REQUIRE(f.wait_for(5s) == std::future_status::ready);
    CHECK(net::is_timeout(f.get()));
    may_end = true;
    while (!ended)
        std::this_thread::sleep_for(1ms);
}

TEST_CASE("the RFC 6455 conformance suite passes with our Conn's echo on a fiber") {
    // This binary again, only the conformance cases, with WIRE_CONFORMANCE_FIBERS set.
    char log_path[] = "/tmp/wire-fiber-conformance-XXXXXX";
    const int log = ::mkstemp(log_path);
    REQUIRE(log >= 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        ::setenv("WIRE_CONFORMANCE_FIBERS", "1", 1);
        ::execl("/proc/self/exe", "websocket_tests", "--test-case=conformance*", "--no-version",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string output;
    char buf[4096];
    ::lseek(log, 0, SEEK_SET);
    for (ssize_t n; (n = ::read(log, buf, sizeof buf)) > 0;)
        output.append(buf, static_cast<std::size_t>(n));
    ::close(log);
    ::unlink(log_path);
    INFO(output);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(output.find("test cases:") != std::string::npos);
    CHECK(output.find(" 0 passed") == std::string::npos);  // it ran something
}

// gorilla's usual shape, a reader goroutine and a writer goroutine on one Conn, as two fibers of
// one loop: the reader's automatic pong must wait for the writer, which is parked mid-message on
// a full socket, by parking too; blocking the loop's thread would keep the writer parked.
TEST_CASE("a reader fiber's pong waits for a writer fiber parked mid-message, the loop runs on") {
    LoopThread lt;
    auto listener = net::Listener::listen(net::Address::ipv4_loopback(0));
    REQUIRE(listener);
    constexpr int messages = 24;
    const std::string big = payload(1 << 20, 3);
    std::atomic<int> ticks{0};
    std::atomic<bool> stop_ticking{false};
    std::atomic<int> fibers_left{3};
    net::go(lt.loop, [&] {  // proof of life: the loop keeps running fibers
        while (!stop_ticking) {
            ++ticks;
            net::this_fiber::sleep_for(2ms);
        }
        --fibers_left;
    });
    std::shared_ptr<ws::Conn> shared;
    net::go(lt.loop, [&] {
        auto s = listener->accept_wait(5s);
        auto conn = s ? ws::Upgrader{}.upgrade_connection(net::Conn(std::move(*s)))
                      : net::Result<ws::Conn>(s.error());
        if (!conn) {
            fibers_left -= 2;
            return;
        }
        shared = std::make_shared<ws::Conn>(std::move(*conn));
        net::go(lt.loop, [&, c = shared] {  // the reader: answers pings until the close
            while (c->read_message()) {
            }
            --fibers_left;
        });
        for (int i = 0; i < messages; ++i) {  // the writer: parks once the socket is full
            if (!shared->write_message(ws::Opcode::binary, big)) break;
        }
        --fibers_left;
    });
    auto client =
        ws::Dialer{}.dial("ws://127.0.0.1:" + std::to_string(listener->address().port()) + "/");
    REQUIRE(client);
    std::this_thread::sleep_for(100ms);  // the writer fills the socket buffers and parks
    REQUIRE(client->write_control(ws::Opcode::ping, "are you there", ws::Clock::now() + 1s));
    std::this_thread::sleep_for(50ms);  // the reader takes the ping and wants to answer
    const int before = ticks.load();
    std::this_thread::sleep_for(200ms);
    CHECK(ticks.load() - before >= 20);  // ~100 at 2 ms; none while the loop's thread is blocked
    std::string pong;
    client->set_pong_handler([&](std::span<const std::uint8_t> p) {
        pong.assign(p.begin(), p.end());
        return std::error_code{};
    });
    int received = 0;
    for (; received < messages; ++received) {
        client->set_read_deadline(ws::Clock::now() + 5s);
        auto m = client->read_message();
        if (!m || m->text() != big) break;
    }
    CHECK(received == messages);
    CHECK(pong == "are you there");  // it went out between two messages
    (void)client->close(ws::close_code::normal, "", 2s);
    stop_ticking = true;
    while (fibers_left.load() > 0)
        std::this_thread::sleep_for(1ms);
}

// close() from the writer fiber while the reader fiber of the same loop is parked in a read: the
// reader sees the peer's answer and close() returns, instead of blocking the loop until its
// deadline.
TEST_CASE("a writer fiber's close() completes while a reader fiber of the same loop reads") {
    LoopThread lt;
    auto listener = net::Listener::listen(net::Address::ipv4_loopback(0));
    REQUIRE(listener);
    std::promise<std::error_code> closed;
    std::promise<ws::Clock::duration> took;
    std::atomic<int> fibers_left{2};
    net::go(lt.loop, [&] {
        auto s = listener->accept_wait(5s);
        auto conn = s ? ws::Upgrader{}.upgrade_connection(net::Conn(std::move(*s)))
                      : net::Result<ws::Conn>(s.error());
        if (!conn) {
            closed.set_value(conn.error());
            took.set_value({});
            fibers_left -= 2;
            return;
        }
        auto shared = std::make_shared<ws::Conn>(std::move(*conn));
        net::go(lt.loop, [&, c = shared] {  // the reader
            while (c->read_message()) {
            }
            --fibers_left;
        });
        net::this_fiber::sleep_for(50ms);  // the reader is parked in read_message by now
        const auto begin = ws::Clock::now();
        closed.set_value(shared->close(ws::close_code::normal, "bye", 3s));
        took.set_value(ws::Clock::now() - begin);
        --fibers_left;
    });
    auto client =
        ws::Dialer{}.dial("ws://127.0.0.1:" + std::to_string(listener->address().port()) + "/");
    REQUIRE(client);
    client->set_read_deadline(ws::Clock::now() + 5s);
    auto m = client->read_message();  // the server's close: answered, then the read ends
    REQUIRE_FALSE(m);
    CHECK(ws::is_close_error(m.error(), {ws::close_code::normal}));
    CHECK_FALSE(closed.get_future().get());
    CHECK(took.get_future().get() < 1s);  // not the 3 s deadline
    while (fibers_left.load() > 0)
        std::this_thread::sleep_for(1ms);
}

// permessage-deflate's codecs are lent per message by the thread (websocket/detail/
// codec_pool.hpp). Two server Conns on fibers of one loop thread, with context takeover: A parks
// in the middle of writing a compressed message and in the middle of reading one, while B
// compresses and inflates whole messages on the same thread. Sharing one codec across A's parked
// message would corrupt A's stream or B's; each decodes exactly.
TEST_CASE("permessage-deflate on fibers: a fiber parked mid-message keeps its own codecs") {
    // Letters at random: they compress by a third only, so a message leaves in fragments.
    auto noise = [](std::size_t size, std::uint32_t seed) {
        std::string s(size, '\0');
        for (auto& c : s) {
            seed = seed * 1664525u + 1013904223u;
            c = static_cast<char>('a' + (seed >> 24) % 26);
        }
        return s;
    };
    LoopThread lt;
    ws::ConnOptions server_options;
    server_options.role = ws::Role::server;
    server_options.deflate = ws::DeflateParams{};
    server_options.compression.threshold = 0;
    ws::ConnOptions client_options = server_options;
    client_options.role = ws::Role::client;
    auto [ca, sa] = net::test::conn_pair();
    auto [cb, sb] = net::test::conn_pair();
    ws::Conn a_client(std::move(ca), client_options);
    ws::Conn b_client(std::move(cb), client_options);
    constexpr int rounds = 3;
    const std::string x = noise(60000, 1);
    std::atomic<bool> a_mid{false};
    std::atomic<int> b_overlapped{0};
    std::atomic<int> a_ok{0}, b_ok{0}, fibers_left{2};
    net::go(lt.loop, [&, s = std::make_shared<net::Conn>(std::move(sa))] {
        ws::Conn a(std::move(*s), server_options);
        for (int i = 0; i < rounds; ++i) {
            auto w = a.next_writer(ws::Opcode::binary);
            if (!w || !w->write(x.substr(0, 30000))) break;
            a_mid = true;
            net::this_fiber::sleep_for(30ms);  // parked with a deflater mid-stream
            a_mid = false;
            if (!w->write(x.substr(30000)) || !w->close()) break;
            a_mid = true;  // the client sends half a message, then waits: this read parks
            auto m = a.read_message();
            a_mid = false;
            if (m && m->text() == x) ++a_ok;
        }
        (void)a.close(ws::close_code::normal, "", 1s);
        --fibers_left;
    });
    net::go(lt.loop, [&, s = std::make_shared<net::Conn>(std::move(sb))] {
        ws::Conn b(std::move(*s), server_options);
        for (;;) {  // echoes until the client closes
            auto m = b.read_message();
            if (!m) break;
            const bool overlapped = a_mid.load();
            if (!b.write_message(m->type, m->data)) break;
            if (overlapped && a_mid.load()) ++b_overlapped;
            ++b_ok;
        }
        --fibers_left;
    });
    std::thread b_peer([&] {
        for (int i = 0; i < 40; ++i) {
            const std::string y =
                noise(20000 + static_cast<std::size_t>(i), 7u + static_cast<std::uint32_t>(i));
            if (!b_client.write_message(ws::Opcode::binary, y)) break;
            auto m = b_client.read_message();
            CHECK((m && m->text() == y));
            std::this_thread::sleep_for(5ms);
        }
        (void)b_client.close(ws::close_code::normal, "", 1s);
    });
    for (int i = 0; i < rounds; ++i) {
        a_client.set_read_deadline(ws::Clock::now() + 5s);
        auto m = a_client.read_message();
        REQUIRE(m);
        CHECK(m->text() == x);
        auto w = a_client.next_writer(ws::Opcode::binary);
        REQUIRE(w);
        REQUIRE(w->write(x.substr(0, 30000)));  // leaves in fragments as the buffer fills
        std::this_thread::sleep_for(30ms);
        REQUIRE(w->write(x.substr(30000)));
        REQUIRE(w->close());
    }
    (void)a_client.close(ws::close_code::normal, "", 1s);
    b_peer.join();
    while (fibers_left.load() > 0)
        std::this_thread::sleep_for(1ms);
    CHECK(a_ok.load() == rounds);
    CHECK(b_ok.load() == 40);
    MESSAGE("B's messages while A was parked mid-message: " << b_overlapped.load());
    CHECK(b_overlapped.load() > 0);
}
