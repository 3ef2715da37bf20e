#include "net/fiber.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace wire::net;
using namespace std::chrono_literals;

namespace {

// Runs the child in a fork and returns its wait status. For behaviour that ends a process.
template <class F>
int in_child(F body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, STDOUT_FILENO);  // the child's dying words are expected
        ::dup2(devnull, STDERR_FILENO);
        // doctest's crash handlers would report (and survive) the crash we are after.
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT})
            std::signal(sig, SIG_DFL);
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

int deep(int n) {
    volatile char frame[512];  // every byte written: the compiler must keep the whole frame
    for (auto& c : frame)
        c = static_cast<char>(n);
    return n == 0 ? 0 : deep(n - 1) + frame[n % 512];  // not a tail call
}

}  // namespace

TEST_CASE("go: the fiber runs later, on the loop's thread, and Fiber::current() names it") {
    EventLoop loop;
    std::thread::id ran_on;
    Fiber* seen = nullptr;
    bool started_early = false;
    go(loop, [&] {
        ran_on = std::this_thread::get_id();
        seen = Fiber::current();
        loop.stop();
    });
    started_early = seen != nullptr;  // go() only posts: nothing runs before the loop does
    CHECK(Fiber::current() == nullptr);
    REQUIRE_FALSE(loop.run());
    CHECK_FALSE(started_early);
    CHECK(ran_on == std::this_thread::get_id());
    CHECK(seen != nullptr);
    CHECK(Fiber::current() == nullptr);
}

TEST_CASE("yield interleaves fibers of one loop in turn") {
    EventLoop loop;
    std::string trace;
    int live = 3;
    for (char name : {'a', 'b', 'c'}) {
        go(loop, [&, name] {
            for (int i = 0; i < 3; ++i) {
                trace += name;
                wire::net::this_fiber::yield();
            }
            if (--live == 0) loop.stop();
        });
    }
    loop.run();
    CHECK(trace == "abcabcabc");
}

TEST_CASE("thousands of fibers, each with its own stack, all finish") {
    EventLoop loop;
    constexpr int count = 2000;
    int live = count;
    long sum = 0;
    for (int i = 0; i < count; ++i) {
        go(loop, [&, i] {
            const int mine = i;  // lives on this fiber's stack across the yield
            wire::net::this_fiber::yield();
            sum += mine;
            if (--live == 0) loop.stop();
        });
    }
    loop.run();
    CHECK(live == 0);
    CHECK(sum == static_cast<long>(count) * (count - 1) / 2);
}

TEST_CASE("sleep_for parks a fiber on a loop timer: bounds, and other fibers run meanwhile") {
    EventLoop loop;
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration slept{};
    int ticks = 0;
    bool done = false;
    go(loop, [&] {
        wire::net::this_fiber::sleep_for(50ms);
        slept = std::chrono::steady_clock::now() - start;
        done = true;
    });
    go(loop, [&] {
        while (!done) {
            ++ticks;
            wire::net::this_fiber::sleep_for(1ms);
        }
        // The last fiber to end stops the loop: one still sleeping then would never end.
        loop.stop();
    });
    loop.run();
    CHECK(slept >= 50ms);
    CHECK(slept < 5s);
    CHECK(ticks >= 2);  // the loop thread was not blocked by the sleeper
}

TEST_CASE("fibers on a LoopGroup-like set of loop threads run M:N") {
    EventLoop a, b;
    std::thread ta([&] { a.run(); }), tb([&] { b.run(); });
    std::atomic<int> live{200};
    std::atomic<int> on_a{0}, on_b{0};
    const auto id_a = ta.get_id(), id_b = tb.get_id();
    for (int i = 0; i < 200; ++i) {
        go(i % 2 == 0 ? a : b, [&] {
            wire::net::this_fiber::yield();
            const auto me = std::this_thread::get_id();
            if (me == id_a) ++on_a;
            if (me == id_b) ++on_b;
            --live;
        });
    }
    while (live.load() > 0)
        std::this_thread::sleep_for(1ms);
    a.stop();
    b.stop();
    ta.join();
    tb.join();
    CHECK(on_a.load() == 100);
    CHECK(on_b.load() == 100);
}

TEST_CASE("a fiber's captures are destroyed on the fiber when its function returns") {
    EventLoop loop;
    auto token = std::make_shared<int>(7);
    std::weak_ptr<int> watch = token;
    go(loop, [token = std::move(token), &loop] {
        CHECK(*token == 7);
        loop.stop();
    });
    CHECK_FALSE(watch.expired());
    loop.run();
    CHECK(watch.expired());
}

TEST_CASE("a fiber that never started is freed with its loop") {
    auto token = std::make_shared<int>(1);
    std::weak_ptr<int> watch = token;
    {
        EventLoop loop;
        go(loop, [token = std::move(token)] {});
    }
    CHECK(watch.expired());
}

TEST_CASE("park and resume are for fibers and the loop context only") {
    CHECK_THROWS_AS(Fiber::park(), std::logic_error);
    EventLoop loop;
    Fiber* first = nullptr;
    bool threw = false;
    go(loop, [&] {
        first = Fiber::current();
        Fiber::park();  // resumed by the loop context below
        loop.stop();
    });
    go(loop, [&] {
        // A fiber may not switch straight into another: the loop decides who runs.
        try {
            first->resume();
        } catch (const std::logic_error&) {
            threw = true;
        }
        loop.post([&] { first->resume(); });
    });
    loop.run();
    CHECK(threw);
}

TEST_CASE("an exception that escapes a fiber terminates the program, as for std::thread") {
    const int status = in_child([] {
        EventLoop loop;
        go(loop, [] { throw std::runtime_error("escaped"); });
        loop.run();
    });
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGABRT);
}

TEST_CASE("a stack overflow faults on the guard page instead of corrupting memory") {
    const int status = in_child([] {
        EventLoop loop;
        go(  // ~512 KiB of frames on a 16 KiB stack
            loop,
            [&] {
                (void)deep(1000);
                loop.stop();  // not reached, or the test fails rather than hangs
            },
            FiberOptions{16 * 1024});
        loop.run();
    });
    // A signal, or (under AddressSanitizer) its stack-overflow report and exit code.
    CHECK_FALSE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

TEST_CASE("a deeper stack when asked: the same recursion fits in 1 MiB") {
    EventLoop loop;
    int result = -1;
    go(
        loop,
        [&] {
            result = deep(200);
            loop.stop();
        },
        FiberOptions{1024 * 1024});
    loop.run();
    CHECK(result >= 0);
}
