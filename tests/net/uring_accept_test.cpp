// The io_uring backend's multishot accept (net/detail/uring_poller.hpp, uring_accepts.hpp): a
// listening socket of one loop whose connections the kernel accepts ahead of the handler. Real
// loopback connections; every case returns early where the kernel has no io_uring.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "net/detail/uring_poller.hpp"
#include "net/dial.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/loop_listener.hpp"
#include "tests/net/helpers.hpp"
#include "tests/support/eventually.hpp"

using namespace wire::net;
using wire::net::test::run_for;
using wire::net::test::uring_available;
using namespace std::chrono_literals;

namespace {

// Not when the environment keeps polls for listeners (WIRE_URING_ACCEPT=poll).
bool accepts_ahead() {
    const char* v = std::getenv("WIRE_URING_ACCEPT");
    return uring_available() && (v == nullptr || std::string_view(v) != "poll");
}

// The servers' shape: a batch of accepts per wake-up. Counts the connections the kernel had
// accepted ahead (take_accepted) apart from those accept4 took.
struct Acceptor final : IoHandler {
    Acceptor(EventLoop& l, Listener li) : loop(l), listener(l, std::move(li), 0, nullptr) {}
    void on_readable() override {
        ++wakeups;
        if (!take) return;
        for (std::size_t n = 0; n < listener.batch(); ++n) {
            if (const int fd = loop.take_accepted(listener.fd()); fd >= 0) {
                ++ahead;
                held.emplace_back(fd);
                continue;
            }
            auto s = listener.accept();
            if (!s) {
                if (!would_block(s.error())) ++errors;
                break;
            }
            held.push_back(std::move(*s));
        }
    }
    void on_error() override {}

    EventLoop& loop;
    LoopListener listener;
    bool take = true;  // false: leave connections waiting
    std::vector<Socket> held;
    int wakeups = 0, ahead = 0, errors = 0;
};

Listener listen_loopback() {
    auto l = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(l);
    return std::move(*l);
}

Socket connect_to(const Address& a) {
    auto s = dial_socket(a, std::chrono::steady_clock::now() + 2s);
    REQUIRE(s);
    return std::move(*s);
}

// True when the peer of `s` has closed: end of stream (or a reset) within 2 s.
bool closed_by_peer(Socket& s) {
    pollfd p{s.fd(), POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) return false;
    char c;
    return ::recv(s.fd(), &c, 1, 0) <= 0;
}

}  // namespace

TEST_CASE("uring accept: a listener of one loop gets its connections accepted ahead") {
    if (!accepts_ahead()) return;
    EventLoop loop(LoopBackend::uring);
    Acceptor a(loop, listen_loopback());
    REQUIRE_FALSE(a.listener.start(&a));
    run_for(loop, 5ms);  // the accept is in the kernel now
    std::vector<Socket> clients;
    for (int i = 0; i < 5; ++i)
        clients.push_back(connect_to(a.listener.address()));
    run_for(loop, 30ms);
    CHECK(a.held.size() == 5);
    CHECK(a.ahead == 5);
    CHECK(a.errors == 0);
    for (Socket& s : a.held)  // non-blocking, as accept4 makes them
        CHECK((::fcntl(s.fd(), F_GETFL) & O_NONBLOCK) != 0);
}

TEST_CASE("uring accept: WIRE_URING_ACCEPT=poll keeps the poll and accept4, and all still works") {
    if (!uring_available()) return;
    ::setenv("WIRE_URING_ACCEPT", "poll", 1);
    EventLoop loop(LoopBackend::uring);
    ::unsetenv("WIRE_URING_ACCEPT");
    detail::refuse_multishot_accept_for_tests(true);
    EventLoop refused(LoopBackend::uring);  // the same, as on a kernel before 5.19
    detail::refuse_multishot_accept_for_tests(false);
    for (EventLoop* l : {&loop, &refused}) {
        Acceptor a(*l, listen_loopback());
        REQUIRE_FALSE(a.listener.start(&a));
        std::vector<Socket> clients;
        for (int i = 0; i < 3; ++i)
            clients.push_back(connect_to(a.listener.address()));
        run_for(*l, 30ms);
        CHECK(a.held.size() == 3);
        CHECK(a.ahead == 0);
    }
}

TEST_CASE("uring accept: connections a listener had not taken close with it") {
    if (!uring_available()) return;
    for (const bool while_running : {false, true}) {
        CAPTURE(while_running);
        EventLoop loop(LoopBackend::uring);
        Acceptor a(loop, listen_loopback());
        a.take = false;
        REQUIRE_FALSE(a.listener.start(&a));
        run_for(loop, 5ms);
        const Address where = a.listener.address();
        Socket waiting = connect_to(where);
        run_for(loop, 20ms);  // accepted ahead, never taken: reported pass after pass
        CHECK(a.wakeups >= 2);
        if (while_running) {
            loop.post([&] { a.listener.close(); });
            run_for(loop, 5ms);
        } else {
            a.listener.close();
        }
        CHECK(closed_by_peer(waiting));  // the client sees the end, not a hang
        // The accept leaves the kernel with the socket: soon nobody listens on the port. (A
        // ring closed while the loop is stopped lets go of its requests a moment later.)
        CHECK(wire::test::eventually(
            [&] { return !dial_socket(where, std::chrono::steady_clock::now() + 1s); }));
    }
}

TEST_CASE("uring accept: a paused listener stops accepting; resumed, it takes what waited") {
    if (!uring_available()) return;
    EventLoop loop(LoopBackend::uring);
    Acceptor a(loop, listen_loopback());
    REQUIRE_FALSE(a.listener.start(&a));
    run_for(loop, 5ms);
    a.listener.pause();
    run_for(loop, 5ms);  // the accept is cancelled
    std::vector<Socket> clients;
    for (int i = 0; i < 3; ++i)
        clients.push_back(connect_to(a.listener.address()));
    run_for(loop, 20ms);
    CHECK(a.wakeups == 0);
    CHECK(a.held.empty());
    a.listener.resume();
    run_for(loop, 20ms);
    CHECK(a.held.size() == 3);
}

// When the kernel ends the multishot (a completion without IORING_CQE_F_MORE), here with EMFILE:
// the handler hears of it, its accept4 sheds a connection (net/listener.hpp), and the accept is
// armed again, so connections are accepted ahead once descriptors are free again. (An accept
// request keeps the RLIMIT_NOFILE of when it was armed: the limit is lowered before.)
TEST_CASE("uring accept: after the kernel ends the multishot (EMFILE) it is armed again") {
    if (!accepts_ahead()) return;
    EventLoop loop(LoopBackend::uring);
    Acceptor a(loop, listen_loopback());
    // The clients' sockets are made first; they connect once no descriptor is left.
    Socket shed(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(shed.valid());
    sockaddr_storage where{};
    socklen_t where_len = sizeof where;
    REQUIRE(::getsockname(a.listener.fd(), reinterpret_cast<sockaddr*>(&where), &where_len) == 0);
    const auto connect = [&](Socket& s) {
        return ::connect(s.fd(), reinterpret_cast<const sockaddr*>(&where), where_len);
    };
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    const int lowest_free = ::dup(0);
    REQUIRE(lowest_free >= 0);
    ::close(lowest_free);
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(lowest_free);  // no descriptor left to accept into
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    const bool started = !a.listener.start(&a);
    run_for(loop, 5ms);  // the accept is armed under the low limit
    const int connected = connect(shed);
    run_for(loop, 20ms);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
    REQUIRE(started);
    REQUIRE(connected == 0);
    CHECK(a.errors >= 1);  // accept4 said EMFILE
    CHECK(a.held.empty());
    CHECK(closed_by_peer(shed));  // shed, rather than left hanging
    // Descriptors again: the accept armed under the low limit ends once more (EMFILE, the
    // handler's accept4 takes the connection), then one armed now takes the next ahead.
    for (int i = 0; i < 2; ++i) {
        Socket later = connect_to(a.listener.address());
        run_for(loop, 20ms);
        CHECK(a.held.size() == static_cast<std::size_t>(i + 1));
    }
    CHECK(a.ahead >= 1);  // the multishot is back
}
