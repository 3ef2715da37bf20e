// echo_bench MODE [--port P] [--threads N] [--conns N] [--size BYTES] [--seconds S]
//                 [--messages M] [--server-pid PID]
//   wire-server  echo server on wire::net::LoopGroup (SO_REUSEPORT listener per loop)
//   raw-server   the same echo written straight on epoll(7), no library
//   load         ping-pong clients: each connection sends one message and waits for its echo;
//                prints "RESULT msgs_per_s=... messages=..."
//   idle         opens --conns connections, one echo each, then prints the server's RSS growth
//                per connection: "RESULT rss0_kb=... rss_kb=... bytes_per_conn=..."
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "bench/echo_bench/common.hpp"

namespace echo_bench {

long rss_kb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long kb = 0;
            in >> kb;
            return kb;
        }
        in.ignore(1 << 12, '\n');
    }
    return -1;
}

}  // namespace echo_bench

int main(int argc, char** argv) {
    using namespace echo_bench;
    if (argc < 2) {
        std::fprintf(stderr, "usage: echo_bench wire-server|raw-server|load|idle [options]\n");
        return 2;
    }
    Options o;
    if (const char* w = std::getenv("WORKERS")) o.threads = std::atoi(w);
    if (const char* p = std::getenv("PORT")) o.port = static_cast<std::uint16_t>(std::atoi(p));
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const char* v = argv[i + 1];
        if (k == "--port")
            o.port = static_cast<std::uint16_t>(std::atoi(v));
        else if (k == "--threads")
            o.threads = std::atoi(v);
        else if (k == "--conns")
            o.conns = std::atoi(v);
        else if (k == "--size")
            o.size = static_cast<std::size_t>(std::atol(v));
        else if (k == "--seconds")
            o.seconds = std::atof(v);
        else if (k == "--messages")
            o.messages = std::atol(v);
        else if (k == "--server-pid")
            o.server_pid = std::atoi(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", k.c_str());
            return 2;
        }
    }
    const std::string mode = argv[1];
    if (mode == "wire-server") return run_wire_server(o);
    if (mode == "raw-server") return run_raw_server(o);
    if (mode == "load") return run_load(o);
    if (mode == "idle") return run_idle(o);
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
}
