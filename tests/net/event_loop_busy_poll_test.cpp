// EventLoop::set_busy_poll: the loop stays awake after a busy pass, but never past its budget,
// a due timer or stop().
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "net/event_loop.hpp"
#include "net/socket.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

namespace {

// CPU time of the calling thread.
std::chrono::nanoseconds thread_cpu() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// A loop with busy polling that echoes every byte written to `peer`, the other end of a
// socket pair.
struct BusyEcho final : IoHandler {
    EventLoop loop;
    Socket sock;
    int peer = -1;
    int echoed = 0;

    explicit BusyEcho(std::chrono::microseconds budget) {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
        sock = Socket(fds[0]);
        peer = fds[1];
        loop.set_busy_poll(budget);
        REQUIRE_FALSE(loop.add(sock.fd(), Interest::readable, this));
    }
    ~BusyEcho() {
        (void)loop.remove(sock.fd());
        ::close(peer);
    }
    void poke() const { REQUIRE(::send(peer, "x", 1, MSG_NOSIGNAL) == 1); }
    void on_readable() override {
        char buf[256];
        auto n = sock.read(buf, sizeof buf);
        if (n && *n > 0 && sock.write(buf, *n)) ++echoed;
    }
    void on_error() override {}
};

}  // namespace

TEST_CASE("a busy-polling loop answers a ping-pong, then sleeps once the budget is spent") {
    BusyEcho echo(2ms);
    EventLoop& loop = echo.loop;
    CHECK(loop.busy_poll() == 2ms);

    // After the ping-pong, 300 ms with no I/O may cost the one 2 ms spin that follows the last
    // busy pass, not 300 ms of polling until the next timer.
    struct Window {
        EventLoop* loop;
        std::chrono::nanoseconds before{}, idle{};
    } w{&loop};
    Timer end(
        [](Timer&, void* me) {
            auto& win = *static_cast<Window*>(me);
            win.idle = thread_cpu() - win.before;
            win.loop->stop();
        },
        &w);
    std::thread client([&] {
        for (int i = 0; i < 200; ++i) {
            char c = static_cast<char>(i);
            CHECK(::send(echo.peer, &c, 1, MSG_NOSIGNAL) == 1);
            char back = 0;
            while (::recv(echo.peer, &back, 1, 0) != 1)
                std::this_thread::yield();
            CHECK(back == c);
        }
        // Quiet from here on: the loop thread arms the window's timers.
        loop.post([&] {
            w.before = thread_cpu();
            loop.arm_after(end, 300ms);
        });
    });
    REQUIRE_FALSE(loop.run());
    client.join();
    CHECK(echo.echoed == 200);
    CHECK(w.idle < 60ms);
}

TEST_CASE("a spin ends when a timer falls due") {
    BusyEcho echo(std::chrono::seconds(5));  // far longer than the test may take
    EventLoop& loop = echo.loop;
    struct Fired {
        EventLoop* loop;
        EventLoop::TimePoint at{};
    } f{&loop};
    Timer timer(
        [](Timer&, void* me) {
            auto& fired = *static_cast<Fired*>(me);
            fired.at = EventLoop::Clock::now();
            fired.loop->stop();
        },
        &f);
    const auto armed = EventLoop::Clock::now();
    loop.arm(timer, armed + 20ms);
    echo.poke();  // a busy pass, then the spin
    REQUIRE_FALSE(loop.run());
    CHECK(echo.echoed == 1);
    CHECK(f.at - armed >= 20ms);
    CHECK(f.at - armed < 2s);  // not the 5 s budget
}

TEST_CASE("stop() from another thread ends a spin") {
    BusyEcho echo(std::chrono::seconds(5));
    EventLoop& loop = echo.loop;
    echo.poke();
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        loop.stop();
    });
    const auto begin = EventLoop::Clock::now();
    REQUIRE_FALSE(loop.run());
    stopper.join();
    CHECK(EventLoop::Clock::now() - begin < 2s);
    CHECK(echo.echoed == 1);
}

TEST_CASE("adaptive: spins that find nothing shrink, then the loop rests; a ping-pong restores") {
    // The peer answers more slowly than the budget: every spin would end empty. A fixed budget
    // would spin 2 ms per message (about 100 ms for 50 of them); adaptive spinning backs off.
    BusyEcho echo(2ms);
    EventLoop& loop = echo.loop;
    std::chrono::nanoseconds spent{};
    std::thread peer([&] {
        for (int i = 0; i < 50; ++i) {
            echo.poke();
            std::this_thread::sleep_for(3ms);
        }
        loop.post([&] { loop.stop(); });
    });
    const auto before = thread_cpu();
    const auto started = std::chrono::steady_clock::now();
    REQUIRE_FALSE(loop.run());
    spent = thread_cpu() - before;
    const auto wall = std::chrono::steady_clock::now() - started;
    peer.join();
    CHECK(echo.echoed >= 1);
    MESSAGE("loop CPU for 50 slow messages: ", spent.count() / 1000, " us in ",
            std::chrono::duration_cast<std::chrono::milliseconds>(wall).count(), " ms");
    // A fixed budget spins two thirds of the run (2 ms of every 3). On a loaded machine the
    // peer's messages come late and bunched, and the run takes longer: the bound is then a
    // quarter of the run's time rather than 40 ms.
    CHECK(spent < std::max<std::chrono::nanoseconds>(40ms, wall / 4));

    // A ping-pong after that: its spins find work again and keep the loop awake (answers keep
    // coming; the rests end).
    std::thread client([&] {
        char drain[256];
        while (::recv(echo.peer, drain, sizeof drain, MSG_DONTWAIT) > 0) {
        }
        for (int i = 0; i < 100; ++i) {
            char c = static_cast<char>(i);
            CHECK(::send(echo.peer, &c, 1, MSG_NOSIGNAL) == 1);
            char back = 0;
            while (::recv(echo.peer, &back, 1, 0) != 1)
                std::this_thread::yield();
            CHECK(back == c);
        }
        loop.post([&] { loop.stop(); });
    });
    REQUIRE_FALSE(loop.run());
    client.join();
}
