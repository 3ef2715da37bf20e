#include "net/event_loop.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/error.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

namespace {

// A minimal echo server on one loop: the shape every server on the loop takes.
class EchoServer final : public IoHandler {
  public:
    EchoServer(EventLoop& loop, Listener listener) : loop_(loop), listener_(std::move(listener)) {
        REQUIRE_FALSE(loop_.add(listener_.fd(), Interest::readable, this));
    }
    ~EchoServer() { (void)loop_.remove(listener_.fd()); }
    std::size_t accepted = 0;

    void on_readable() override {
        for (;;) {
            auto s = listener_.accept();
            if (!s) return;  // would_block, or shed (EMFILE)
            ++accepted;
            auto c = std::make_unique<Client>(*this, std::move(*s));
            const int fd = c->sock.fd();
            if (!loop_.add(fd, Interest::readable, c.get())) clients_[fd] = std::move(c);
        }
    }
    void on_error() override {}

  private:
    struct Client final : IoHandler {
        Client(EchoServer& o, Socket s) : owner(o), sock(std::move(s)) {}
        EchoServer& owner;
        Socket sock;
        void on_readable() override {
            char buf[4096];
            auto n = sock.read(buf, sizeof buf);
            if (!n && would_block(n.error())) return;
            if (!n || *n == 0 || !sock.write(buf, *n)) return owner.drop(sock.fd());
        }
        void on_error() override { owner.drop(sock.fd()); }
    };
    void drop(int fd) {
        (void)loop_.remove(fd);
        clients_.erase(fd);  // destroys the Client (and closes fd) from inside its own callback
    }

    EventLoop& loop_;
    Listener listener_;
    std::unordered_map<int, std::unique_ptr<Client>> clients_;
};

}  // namespace

TEST_CASE("post from 8 threads: every task runs once, on the loop thread, in each poster's order") {
    EventLoop loop;
    constexpr int threads = 8, per_thread = 5000;
    std::vector<int> last_seen(threads, -1);
    int ran = 0, out_of_order = 0, off_thread = 0;
    std::vector<std::thread> posters;
    for (int t = 0; t < threads; ++t) {
        posters.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                loop.post([&, t, i] {
                    ++ran;
                    out_of_order += last_seen[static_cast<std::size_t>(t)] != i - 1;
                    last_seen[static_cast<std::size_t>(t)] = i;
                    off_thread += !loop.in_loop_thread();
                    if (ran == threads * per_thread) loop.stop();
                });
            }
        });
    }
    REQUIRE_FALSE(loop.run());
    for (auto& p : posters)
        p.join();
    CHECK(ran == threads * per_thread);
    CHECK(out_of_order == 0);
    CHECK(off_thread == 0);
}

TEST_CASE("stop from another thread, and stop before run") {
    EventLoop loop;
    loop.stop();
    REQUIRE_FALSE(loop.run());  // returns at once
    std::thread stopper([&] {
        std::this_thread::sleep_for(20ms);
        loop.stop();
    });
    const auto start = EventLoop::Clock::now();
    REQUIRE_FALSE(loop.run());
    stopper.join();
    CHECK(EventLoop::Clock::now() - start >= 15ms);
    CHECK(EventLoop::current() == nullptr);
}

TEST_CASE("loop timers fire within tolerance, in order; cancelled ones never") {
    EventLoop loop;
    std::vector<int> fired;
    struct T {
        std::vector<int>* out;
        int id;
        Timer timer{[](Timer&, void* s) {
                        auto* self = static_cast<T*>(s);
                        self->out->push_back(self->id);
                    },
                    this};
    };
    T a{&fired, 1}, b{&fired, 2}, c{&fired, 3};
    Timer end([](Timer&, void* l) { static_cast<EventLoop*>(l)->stop(); }, &loop);
    const auto start = EventLoop::Clock::now();
    loop.arm_after(c.timer, 60ms);
    loop.arm_after(a.timer, 20ms);
    loop.arm_after(b.timer, 40ms);
    loop.arm_after(end, 80ms);
    loop.cancel(b.timer);
    REQUIRE_FALSE(loop.run());
    const auto took = EventLoop::Clock::now() - start;
    CHECK(fired == std::vector<int>{1, 3});
    CHECK(took >= 80ms);
    CHECK(took < 1s);
    CHECK(loop.armed_timers() == 0);
}

TEST_CASE("a timer armed while the loop sleeps toward a later one fires on time, on each backend") {
    // The io_uring loop keeps one wake request in the kernel across waits: a deadline that comes
    // sooner must move it, or the loop would sleep to the later one.
    for (const LoopBackend backend : {LoopBackend::epoll, LoopBackend::uring}) {
        CAPTURE(to_string(backend));
        EventLoop loop(backend);
        Timer far([](Timer&, void*) {}, nullptr);
        Timer end([](Timer&, void* l) { static_cast<EventLoop*>(l)->stop(); }, &loop);
        // From another thread while the loop sleeps toward `far`: a post wakes it, and the task
        // arms a timer due long before.
        EventLoop::TimePoint armed{};
        loop.arm_after(far, 2s);
        std::thread poster([&] {
            std::this_thread::sleep_for(30ms);
            loop.post([&] {
                armed = EventLoop::Clock::now();
                loop.arm_after(end, 20ms);
            });
        });
        const auto start = EventLoop::Clock::now();
        REQUIRE_FALSE(loop.run());
        poster.join();
        const auto took = EventLoop::Clock::now() - start;
        REQUIRE(armed != EventLoop::TimePoint{});
        CHECK(EventLoop::Clock::now() - armed >= 20ms);
        CHECK(took < 1s);
        loop.cancel(far);
    }
}

TEST_CASE("echo over the loop; a handler may remove and destroy itself in its callback") {
    EventLoop loop;
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    const Address where = listener->address();
    EchoServer server(loop, std::move(*listener));
    std::thread loop_thread([&] { (void)loop.run(); });

    const int before = test::open_fd_count();
    for (int round = 0; round < 20; ++round) {
        auto c = dial(where, 5s);
        REQUIRE(c);
        c->set_deadline(Conn::Clock::now() + 5s);
        const std::string msg = "hello " + std::to_string(round);
        REQUIRE(c->write(msg));
        std::string echoed(msg.size(), '\0');
        std::size_t got = 0;
        while (got < msg.size()) {
            auto n = c->read(echoed.data() + got, msg.size() - got);
            REQUIRE(n);
            REQUIRE(*n > 0);
            got += *n;
        }
        CHECK(echoed == msg);
    }
    // The server closes each client's fd when it sees EOF; wait for it to catch up.
    for (int i = 0; i < 200 && test::open_fd_count() != before; ++i)
        std::this_thread::sleep_for(5ms);
    CHECK(test::open_fd_count() == before);
    loop.post([&] { loop.stop(); });
    loop_thread.join();
    CHECK(server.accepted == 20);
}

TEST_CASE("add/modify/remove interest; EPOLLHUP without interest reaches on_error") {
    EventLoop loop;
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    Socket a(sv[0]), b(sv[1]);
    struct H final : IoHandler {
        EventLoop* loop;
        int readable = 0, writable = 0, errors = 0;
        void on_readable() override { ++readable; }
        void on_writable() override {
            ++writable;
            (void)loop->modify(fd, Interest::none);  // output done: stop asking
        }
        void on_error() override {
            ++errors;
            (void)loop->remove(fd);
            loop->stop();
        }
        int fd = -1;
    } h;
    h.loop = &loop;
    h.fd = a.fd();
    REQUIRE_FALSE(loop.add(a.fd(), Interest::writable, &h));
    CHECK(loop.interest(a.fd()) == Interest::writable);
    CHECK(loop.add(a.fd(), Interest::readable, &h));  // twice is an error (EEXIST)
    // Close the peer: a sees HUP with no interest registered after the first writable.
    loop.post([&] { (void)b.close(); });
    REQUIRE_FALSE(loop.run());
    CHECK(h.writable == 1);
    CHECK(h.readable == 0);
    CHECK(h.errors == 1);
    CHECK(loop.interest(a.fd()) == Interest::none);
    CHECK(loop.remove(a.fd()));  // already removed
}

TEST_CASE("add refuses a descriptor that is not open, as epoll_ctl does, on either backend") {
    EventLoop loop;
    struct H final : IoHandler {
        void on_readable() override {}
        void on_error() override {}
    } h;
    const int closed = 1000;  // far above what the suite opens
    REQUIRE(::fcntl(closed, F_GETFD) < 0);
    CHECK(loop.add(closed, Interest::readable, &h) == std::errc::bad_file_descriptor);
    CHECK(loop.interest(closed) == Interest::none);
    CHECK(loop.add(-1, Interest::readable, &h));
}

TEST_CASE("hand_over: the next events go to the new handler, under the same interest") {
    EventLoop loop;
    test::Pair p;
    // Reads one byte per event, counting; the first hands the fd over to `next`.
    struct H final : IoHandler {
        EventLoop* loop = nullptr;
        Socket* sock = nullptr;
        H* next = nullptr;
        int readable = 0;
        void on_readable() override {
            ++readable;
            char c;
            (void)sock->read(&c, 1);
            if (next != nullptr) {
                REQUIRE_FALSE(loop->hand_over(sock->fd(), next));
            } else if (readable == 2) {
                loop->stop();
            }
        }
        void on_error() override {}
    } first, second;
    first.loop = second.loop = &loop;
    first.sock = second.sock = &p.a;
    first.next = &second;
    REQUIRE_FALSE(loop.add(p.a.fd(), Interest::readable, &first));
    REQUIRE(p.b.write("xyz", 3));
    Timer bound([](Timer&, void* l) { static_cast<EventLoop*>(l)->stop(); }, &loop);
    loop.arm_after(bound, 5s);  // a handler that never runs must not hang the test
    REQUIRE_FALSE(loop.run());
    CHECK(first.readable == 1);
    CHECK(second.readable == 2);  // the other two bytes, one per event
    CHECK(loop.interest(p.a.fd()) == Interest::readable);
    CHECK(loop.hand_over(p.a.fd(), nullptr) == std::errc::invalid_argument);
    REQUIRE_FALSE(loop.remove(p.a.fd()));
    CHECK(loop.hand_over(p.a.fd(), &first) == std::errc::bad_file_descriptor);
}

TEST_CASE("signals arrive through the signalfd and stop the loop") {
    EventLoop loop;
    int got = 0;
    REQUIRE_FALSE(loop.handle_signals({SIGUSR1}, [&](int signo) {
        got = signo;
        loop.stop();
    }));
    // Directed at this thread, where SIGUSR1 is now blocked, so it waits for the signalfd.
    loop.post([] { ::pthread_kill(::pthread_self(), SIGUSR1); });
    REQUIRE_FALSE(loop.run());
    CHECK(got == SIGUSR1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

TEST_CASE("on_destroy hooks run once, in ~EventLoop, while remove() and cancel() still work") {
    struct Quiet final : IoHandler {
        void on_readable() override {}
        void on_error() override {}
    } handler;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    Timer timer([](Timer&, void*) {}, nullptr);
    std::vector<int> ran;
    {
        EventLoop loop;
        REQUIRE_FALSE(loop.add(fds[0], Interest::readable, &handler));
        loop.arm_after(timer, 1h);
        (void)loop.on_destroy([&] {
            ran.push_back(1);
            CHECK_FALSE(loop.remove(fds[0]));  // the epoll descriptor is still open
            loop.cancel(timer);
        });
        const auto forgotten = loop.on_destroy([&] { ran.push_back(2); });
        (void)loop.on_destroy([&] { ran.push_back(3); });
        loop.forget_on_destroy(forgotten);
        CHECK(ran.empty());
    }
    CHECK(ran == std::vector<int>{1, 3});
    CHECK_FALSE(timer.armed());
    ::close(fds[0]);
    ::close(fds[1]);
}
