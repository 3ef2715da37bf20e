// ws_deflate_load: compressed echo load. CONNS connections offer permessage-deflate (RFC 7692,
// the plain offer, as gorilla's and browsers' servers expect), each sends a JSON-like text
// message of SIZE bytes, waits for its echo and checks it, for DURATION seconds after WARMUP.
// The server's CPU time is read from /proc/PID/stat around the measured interval, so the result
// is messages per server CPU-second, the figure that does not depend on the client's speed.
//
//   build/bench/ws_deflate_load --port 8190 --pid SERVER_PID --conns 100 --size 4096
//                               [--duration 5] [--warmup 1] [--uncompressed 1]
// Prints one line of key=value pairs starting with RESULT. One thread: the connections are
// fibers of one event loop (net/fiber.hpp).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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

namespace {}  // namespace

int main(int argc, char** argv) {
    int port = 8190, conns = 100, duration = 5, warmup = 1;
    long pid = 0;
    std::size_t size = 4096;
    bool compress = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const long v = std::atol(argv[i + 1]);
        if (k == "--port") port = static_cast<int>(v);
        if (k == "--pid") pid = v;
        if (k == "--conns") conns = static_cast<int>(v);
        if (k == "--size") size = static_cast<std::size_t>(v);
        if (k == "--duration") duration = static_cast<int>(v);
        if (k == "--warmup") warmup = static_cast<int>(v);
        if (k == "--uncompressed") compress = v == 0;
    }
    const std::string message = json_like(size);
    net::EventLoop loop;
    std::atomic<long> measured{0}, bad{0}, failed{0}, negotiated{0};
    std::atomic<int> running{conns};
    std::atomic<bool> counting{false};
    const auto start = Clock::now() + std::chrono::seconds(warmup);
    const auto end = start + std::chrono::seconds(duration);
    for (int i = 0; i < conns; ++i) {
        net::go(loop, [&] {
            websocket::Dialer d;
            d.enable_compression = compress;
            d.compression.threshold = 0;
            d.trace = {};
            auto c = d.dial("ws://127.0.0.1:" + std::to_string(port) + "/");
            if (!c) {
                failed.fetch_add(1);
            } else {
                negotiated.fetch_add(c->compression() != nullptr);
                while (Clock::now() < end) {
                    if (!c->write_message(websocket::Opcode::text, message)) break;
                    auto m = c->read_message();
                    if (!m) break;
                    if (m->text() != message) bad.fetch_add(1);
                    if (counting.load(std::memory_order_relaxed)) measured.fetch_add(1);
                }
                (void)c->close(websocket::close_code::normal, {}, std::chrono::seconds(1));
            }
            if (running.fetch_sub(1) == 1) loop.stop();
        });
    }
    long ticks0 = 0, ticks1 = 0;
    std::thread clock([&] {
        std::this_thread::sleep_until(start);
        ticks0 = pid > 0 ? cpu_ticks(pid) : 0;
        counting.store(true);
        std::this_thread::sleep_until(end);
        counting.store(false);
        ticks1 = pid > 0 ? cpu_ticks(pid) : 0;
    });
    loop.run();
    clock.join();
    const double server_cpu =
        static_cast<double>(ticks1 - ticks0) / static_cast<double>(sysconf(_SC_CLK_TCK));
    const long n = measured.load();
    std::printf(
        "RESULT conns=%d size=%zu compressed=%ld msgs=%ld msgs_per_s=%.0f server_cpu_s=%.2f "
        "msgs_per_server_cpu_s=%.0f bad=%ld failed=%ld\n",
        conns, size, negotiated.load(), n, static_cast<double>(n) / duration, server_cpu,
        server_cpu > 0 ? static_cast<double>(n) / server_cpu : 0.0, bad.load(), failed.load());
    return bad.load() == 0 && failed.load() == 0 ? 0 : 1;
}
