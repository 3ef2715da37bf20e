// echo_bench: a TCP echo server on wire's EventLoop, a hand-written epoll echo server (the floor
// any abstraction is measured against), and the load generator that drives them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace echo_bench {

struct Options {
    std::uint16_t port = 9000;
    int threads = 1;        // server loops (WORKERS)
    int conns = 1;          // load / idle: connections
    std::size_t size = 16;  // load: message size
    double seconds = 2;     // load: measuring time (after a short warm-up)
    long messages = 0;      // load: stop after this many round trips instead (syscall counting)
    int server_pid = 0;     // idle: whose RSS to read
};

int run_wire_server(const Options& o);
int run_raw_server(const Options& o);
int run_load(const Options& o);
int run_idle(const Options& o);

long rss_kb(int pid);  // VmRSS of a process, from /proc/PID/status

}  // namespace echo_bench
