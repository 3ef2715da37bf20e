// ws_blocking_idle: what an idle blocking websocket::Conn costs, with permessage-deflate at a given
// window and takeover mode and without it. Opens N loopback connection pairs in this process
// (both ends are Conns), sends one message each way so every codec has run, then reports the
// growth of the process's resident memory and the sum of Conn::memory_usage(), per connection.
//
//   build/bench/ws_blocking_idle --conns 1000 --mode 15|12|none|plain [--size 1024]
//
// "15" and "12": context takeover at 15/15 or 12/12 bits; "none": 15 bits without takeover;
// "plain": no compression. Prints one RESULT line of key=value pairs. One thread: the codecs
// lent for each message come back to its pool, whose few idle codecs are not per connection.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench/deflate_load_support.hpp"
#include "net/dial.hpp"
#include "net/listener.hpp"
#include "websocket/conn.hpp"

namespace ws = wire::websocket;
namespace net = wire::net;

namespace {

long rss_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t conns = 1000, size = 1024;
    std::string mode = "15";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--conns") conns = std::strtoul(argv[i + 1], nullptr, 10);
        if (k == "--mode") mode = argv[i + 1];
        if (k == "--size") size = std::strtoul(argv[i + 1], nullptr, 10);
    }
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);

    std::optional<ws::DeflateParams> params;
    if (mode == "15") params = ws::DeflateParams{false, false, 15, 15};
    if (mode == "12") params = ws::DeflateParams{false, false, 12, 12};
    if (mode == "none") params = ws::DeflateParams{true, true, 15, 15};
    auto listener = net::Listener::listen(net::Address::ipv4_loopback(0));
    if (!listener) return 1;
    const std::string text = wire::bench::json_like(size);
    std::vector<ws::Conn> all;
    all.reserve(2 * conns);
    auto pair = [&] {
        auto c = net::dial(listener->address(), std::chrono::seconds(5));
        auto s = listener->accept_wait(std::chrono::seconds(5));
        if (!c || !s) std::exit(1);
        ws::ConnOptions co, so;
        co.role = ws::Role::client;
        so.role = ws::Role::server;
        co.deflate = so.deflate = params;
        all.emplace_back(std::move(*c), co);
        all.emplace_back(net::Conn(std::move(*s)), so);
        ws::Conn& client = all[all.size() - 2];
        ws::Conn& server = all.back();
        // Read through next_reader, as a connection waiting in its next read call stands: the
        // view of the last read_message is dead there.
        auto read = [&text](ws::Conn& conn) {
            auto r = conn.next_reader();
            std::string got;
            char buf[4096];
            for (;;) {
                auto n = r ? r->read(buf, sizeof buf) : wire::net::Result<std::size_t>(r.error());
                if (!n) std::exit(3);
                if (*n == 0) break;
                got.append(buf, *n);
            }
            if (got != text) std::exit(4);
        };
        if (!client.write_message(ws::Opcode::text, text)) std::exit(2);
        read(server);
        if (!server.write_message(ws::Opcode::text, text)) std::exit(2);
        read(client);
    };
    pair();  // the first pair warms the pool and the allocator; it is not counted
    const long before = rss_kb();
    const std::size_t before_conns = all.size();
    for (std::size_t i = 0; i < conns; ++i)
        pair();
    const long after = rss_kb();
    std::size_t usage = 0;
    for (std::size_t i = before_conns; i < all.size(); ++i)
        usage += all[i].memory_usage();
    const double n = static_cast<double>(all.size() - before_conns);
    std::printf(
        "RESULT mode=%s conns=%zu message=%zu rss_per_conn=%.0f memory_usage_per_conn=%.0f\n",
        mode.c_str(), all.size() - before_conns, size,
        static_cast<double>(after - before) * 1024.0 / n, static_cast<double>(usage) / n);
    for (auto& c : all)
        c.abort();
    return 0;
}
