// LoopBackend: the event loop on epoll or on io_uring, chosen at run time, and what the io_uring
// backend does differently underneath (net/detail/uring_poller.hpp). The rest of the suite runs on
// either backend (WIRE_LOOP=uring, `make test-uring`).
#include "net/loop_backend.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "net/detail/uring_poller.hpp"
#include "net/event_loop.hpp"
#include "net/socket.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

namespace {

bool uring_available() {
    EventLoop probe(LoopBackend::uring);
    return probe.backend() == LoopBackend::uring;
}

// Runs `loop` on this thread for `d`.
void run_for(EventLoop& loop, std::chrono::milliseconds d) {
    Timer stop([](Timer&, void* lp) { static_cast<EventLoop*>(lp)->stop(); }, &loop);
    loop.arm_after(stop, d);
    REQUIRE_FALSE(loop.run());
}

struct Counter final : IoHandler {
    int readable = 0, writable = 0, errors = 0;
    void on_readable() override { ++readable; }
    void on_writable() override { ++writable; }
    void on_error() override { ++errors; }
};

struct Pair {
    Socket a, b;
    Pair() {
        int sv[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
        a = Socket(sv[0]);
        b = Socket(sv[1]);
    }
};

}  // namespace

TEST_CASE("LoopBackend: epoll when asked; io_uring when asked and the kernel has it") {
    EventLoop e(LoopBackend::epoll);
    CHECK(e.backend() == LoopBackend::epoll);
    EventLoop u(LoopBackend::uring);
    CHECK((u.backend() == LoopBackend::uring || u.backend() == LoopBackend::epoll));
    MESSAGE("io_uring on this kernel: ",
            std::string(u.backend() == LoopBackend::uring ? "yes" : "no"));
    CHECK(to_string(LoopBackend::automatic) == "auto");
    CHECK(to_string(u.backend()) != "");
}

TEST_CASE("LoopBackend: a refused io_uring set-up falls back to epoll, and the loop works") {
    detail::fail_uring_setup_for_tests(EPERM);  // what a seccomp profile answers
    EventLoop a(LoopBackend::automatic);
    EventLoop u(LoopBackend::uring);
    detail::fail_uring_setup_for_tests(0);
    CHECK(a.backend() == LoopBackend::epoll);
    CHECK(u.backend() == LoopBackend::epoll);
    int ran = 0;
    u.post([&] {
        ++ran;
        u.stop();
    });
    REQUIRE_FALSE(u.run());
    CHECK(ran == 1);
}

TEST_CASE("LoopBackend uring: a peer's FIN does not wake a loop that waits only to write") {
    if (!uring_available()) return;
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Pair p;
        char chunk[16384] = {};
        while (p.a.write(chunk, sizeof chunk)) {
        }  // a's send buffer is full
        REQUIRE(::shutdown(p.b.fd(), SHUT_WR) == 0);
        Counter h;
        REQUIRE_FALSE(loop.add(p.a.fd(), Interest::writable, &h));
        run_for(loop, 30ms);
        CHECK(h.writable == 0);
        CHECK(h.readable == 0);
        // b reads: a has room again, and hears of it (io_uring: within a retry's delay).
        while (p.b.read(chunk, sizeof chunk)) {
        }
        run_for(loop, 30ms);
        CHECK(h.writable > 0);
        REQUIRE_FALSE(loop.remove(p.a.fd()));
    }
}

TEST_CASE("LoopBackend uring: a socket removed while the loop is stopped closes at once") {
    if (!uring_available()) return;
    EventLoop loop(LoopBackend::uring);
    Pair p;
    Counter h;
    REQUIRE_FALSE(loop.add(p.a.fd(), Interest::readable, &h));
    run_for(loop, 5ms);  // a's poll request is in the kernel now
    // The poll request holds the socket: without its cancellation b would never see the end.
    REQUIRE_FALSE(loop.remove(p.a.fd()));
    REQUIRE_FALSE(p.a.close());
    pollfd pfd{p.b.fd(), POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 2000) == 1);
    char c;
    CHECK(::read(p.b.fd(), &c, 1) == 0);  // end of stream
}

TEST_CASE("LoopBackend uring: a loop run by one thread, then another, keeps its fds") {
    if (!uring_available()) return;
    EventLoop loop(LoopBackend::uring);
    Pair p;
    Counter h;
    REQUIRE_FALSE(loop.add(p.a.fd(), Interest::readable, &h));
    std::thread([&] { run_for(loop, 5ms); }).join();
    REQUIRE(p.b.write("x", 1));
    std::thread([&] { run_for(loop, 20ms); }).join();  // a ring of its own for this thread
    CHECK(h.readable > 0);
    REQUIRE_FALSE(loop.remove(p.a.fd()));
}
