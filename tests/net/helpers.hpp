// Shared by the net tests: loopback connection pairs and descriptor counting.
#pragma once

#include <dirent.h>
#include <sys/socket.h>

#include <doctest/doctest.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <utility>

#include "net/conn.hpp"
#include "net/dial.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/socket.hpp"
#include "net/timer.hpp"

namespace wire::net::test {

// A loop on a thread of its own, for tests that act on fibers from another thread; the fibers'
// work must be over before it is destroyed.
struct LoopThread {
    EventLoop loop;
    std::thread thread{[this] { loop.run(); }};
    ~LoopThread() {
        loop.stop();
        thread.join();
    }
};

// A connected pair of non-blocking Unix stream sockets: a loop watches `a`, the test writes `b`.
struct Pair {
    Socket a, b;
    Pair() {
        int sv[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
        a = Socket(sv[0]);
        b = Socket(sv[1]);
    }
};

// Whether this kernel lets a loop run on io_uring (a loop that asks for it gets epoll if not).
inline bool uring_available() {
    EventLoop probe(LoopBackend::uring);
    return probe.backend() == LoopBackend::uring;
}

// Runs `loop` on this thread for `d`.
inline void run_for(EventLoop& loop, std::chrono::milliseconds d) {
    Timer stop([](Timer&, void* lp) { static_cast<EventLoop*>(lp)->stop(); }, &loop);
    loop.arm_after(stop, d);
    REQUIRE_FALSE(loop.run());
}

// Runs `loop` until `done()` or `limit` passes.
template <class F>
void run_until(EventLoop& loop, F done,
               std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < until)
        run_for(loop, std::chrono::milliseconds(5));
}

// A byte of a stream that says where it is, so that a lost, doubled or reordered piece shows.
inline std::uint8_t pattern(std::size_t i) noexcept {
    return static_cast<std::uint8_t>((i * 7 + i / 251) & 0xff);
}

// Open descriptors of this process, counted in /proc/self/fd (minus the one opendir holds).
inline int open_fd_count() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return -1;
    int n = 0;
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    return n - 1;
}

// A connected TCP pair on 127.0.0.1: {client, server}.
inline std::pair<Conn, Conn> conn_pair() {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    if (!listener) throw std::system_error(listener.error(), "listen");
    auto client = dial(listener->address(), std::chrono::seconds(5));
    if (!client) throw std::system_error(client.error(), "dial");
    auto server = listener->accept_wait(std::chrono::seconds(5));
    if (!server) throw std::system_error(server.error(), "accept");
    return {std::move(*client), Conn(std::move(*server))};
}

}  // namespace wire::net::test
