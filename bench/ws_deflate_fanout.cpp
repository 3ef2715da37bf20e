// ws_deflate_fanout: Hub fan-out load. SUBS connections to /broadcast (each a Hub subscriber on
// the server) receive every message one more connection, the publisher, sends there: a
// JSON-like text message of SIZE bytes, with at most DEPTH messages not yet delivered to every
// subscriber. The server's CPU time is read from /proc/PID/stat around the measured interval:
// the result is deliveries (messages received by subscribers) per server CPU-second.
//
//   build/bench/ws_deflate_fanout --port 8190 --pid SERVER_PID --subs 1000 --size 1024
//                                 [--duration 5] [--warmup 1] [--depth 4] [--uncompressed 1]
// With compression every connection offers permessage-deflate; a server without context
// takeover compresses each message once for all of them (websocket/detail/loop_state.cpp).
// Prints one line of key=value pairs starting with RESULT. One thread: the connections are
// fibers of one event loop (net/fiber.hpp).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "bench/deflate_load_support.hpp"
#include "net/event_loop.hpp"
#include "net/fiber.hpp"
#include "websocket/dialer.hpp"

using namespace wire;
using bench::cpu_ticks;
using bench::json_like;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int port = 8190, subs = 1000, duration = 5, warmup = 1, depth = 4;
    long pid = 0;
    std::size_t size = 1024;
    bool compress = true;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const long v = std::atol(argv[i + 1]);
        if (k == "--port") o.port = static_cast<int>(v);
        if (k == "--pid") o.pid = v;
        if (k == "--subs") o.subs = static_cast<int>(v);
        if (k == "--size") o.size = static_cast<std::size_t>(v);
        if (k == "--duration") o.duration = static_cast<int>(v);
        if (k == "--warmup") o.warmup = static_cast<int>(v);
        if (k == "--depth") o.depth = static_cast<int>(v);
        if (k == "--uncompressed") o.compress = v == 0;
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    const std::string message = json_like(o.size);
    const std::string url = "ws://127.0.0.1:" + std::to_string(o.port) + "/broadcast";
    net::EventLoop loop;
    std::atomic<long> delivered{0}, measured{0}, bad{0}, failed{0}, negotiated{0}, ready{0};
    std::atomic<bool> counting{false}, stopping{false};
    std::atomic<int> running{o.subs + 1};
    auto dial = [&]() -> std::optional<websocket::Conn> {
        websocket::Dialer d;
        d.enable_compression = o.compress;
        d.compression.threshold = 0;
        d.trace = {};
        auto c = d.dial(url);
        if (!c) {
            failed.fetch_add(1);
            return std::nullopt;
        }
        negotiated.fetch_add(c->compression() != nullptr);
        return std::move(*c);
    };
    auto done = [&] {
        if (running.fetch_sub(1) == 1) loop.stop();
    };
    for (int i = 0; i < o.subs; ++i) {
        net::go(loop, [&] {
            if (auto c = dial()) {
                ready.fetch_add(1);
                while (auto m = c->read_message()) {
                    if (m->text() != message) bad.fetch_add(1);
                    delivered.fetch_add(1, std::memory_order_relaxed);
                    if (counting.load(std::memory_order_relaxed)) measured.fetch_add(1);
                }
            }
            done();
        });
    }
    std::atomic<long> published{0};
    net::go(loop, [&] {
        auto c = dial();
        while (c && ready.load() + failed.load() < o.subs)
            net::this_fiber::yield();
        // At most `depth` messages on their way: the next one goes when every subscriber has
        // all but depth - 1 of those before it.
        while (c && !stopping.load()) {
            if (delivered.load() < (published.load() - o.depth + 1) * ready.load()) {
                net::this_fiber::yield();
                continue;
            }
            if (!c->write_message(websocket::Opcode::text, message)) break;
            published.fetch_add(1);
        }
        if (c) (void)c->close(websocket::close_code::normal, {}, std::chrono::seconds(1));
        done();
    });
    long ticks0 = 0, ticks1 = 0;
    std::thread clock([&] {
        while (ready.load() + failed.load() < o.subs)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::seconds(o.warmup));
        ticks0 = o.pid > 0 ? cpu_ticks(o.pid) : 0;
        counting.store(true);
        std::this_thread::sleep_for(std::chrono::seconds(o.duration));
        counting.store(false);
        ticks1 = o.pid > 0 ? cpu_ticks(o.pid) : 0;
        stopping.store(true);
        // The subscribers end when the server closes them: the process exits instead.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        const double server_cpu =
            static_cast<double>(ticks1 - ticks0) / static_cast<double>(sysconf(_SC_CLK_TCK));
        const long n = measured.load();
        std::printf(
            "RESULT subs=%d size=%zu compressed=%ld deliveries=%ld deliveries_per_s=%.0f "
            "server_cpu_s=%.2f deliveries_per_server_cpu_s=%.0f bad=%ld failed=%ld\n",
            o.subs, o.size, negotiated.load(), n, static_cast<double>(n) / o.duration, server_cpu,
            server_cpu > 0 ? static_cast<double>(n) / server_cpu : 0.0, bad.load(), failed.load());
        std::fflush(stdout);
        std::_Exit(bad.load() == 0 && failed.load() == 0 ? 0 : 1);
    });
    loop.run();
    clock.join();
}
