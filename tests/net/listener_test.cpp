#include "net/listener.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

#include "net/dial.hpp"
#include "net/error.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;
using namespace std::chrono_literals;

TEST_CASE("listen on port 0 reports the real port; connect and accept") {
    auto listener = Listener::listen("127.0.0.1:0");
    REQUIRE(listener);
    CHECK(listener->address().port() != 0);
    CHECK(listener->address().host() == "127.0.0.1");

    auto client = dial(listener->address().to_string(), 5s);
    REQUIRE(client);
    auto server = listener->accept_wait(5s);
    REQUIRE(server);
    CHECK((::fcntl(server->fd(), F_GETFL) & O_NONBLOCK) != 0);
    CHECK((::fcntl(server->fd(), F_GETFD) & FD_CLOEXEC) != 0);
    // Each side sees the other's address.
    auto peer = server->peer_address();
    auto local = client->local_address();
    REQUIRE(peer);
    REQUIRE(local);
    CHECK(*peer == *local);
    CHECK(*client->remote_address() == listener->address());
}

TEST_CASE("accept with nothing waiting is would_block; accept_wait times out") {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    auto none = listener->accept();
    REQUIRE_FALSE(none);
    CHECK(would_block(none.error()));
    const auto start = Clock::now();
    auto late = listener->accept_wait(50ms);
    CHECK(late.error() == Error::timeout);
    CHECK(Clock::now() - start >= 45ms);
}

TEST_CASE("listening twice on one port fails without SO_REUSEPORT and works with it") {
    auto first = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(first);
    auto second = Listener::listen(first->address());
    REQUIRE_FALSE(second);
    CHECK(second.error() == std::errc::address_in_use);

    auto group = listen_reuse_port(Address::ipv4_loopback(0), 3);
    REQUIRE(group);
    REQUIRE(group->size() == 3);
    const auto port = (*group)[0].address().port();
    CHECK(port != 0);
    for (const Listener& l : *group)
        CHECK(l.address().port() == port);
}

TEST_CASE("IPv6 and Unix-domain listeners") {
    if (auto v6 = Listener::listen("[::1]:0")) {  // skipped where IPv6 is disabled
        auto c = dial(v6->address(), 5s);
        REQUIRE(c);
        CHECK(v6->accept_wait(5s));
        CHECK(v6->address().to_string().rfind("[::1]:", 0) == 0);
    }
    const std::string path = "/tmp/wire-net-test-" + std::to_string(::getpid()) + ".sock";
    ::unlink(path.c_str());
    auto unix_listener = Listener::listen(*Address::unix_path(path));
    REQUIRE(unix_listener);
    auto c = dial(unix_listener->address(), 5s);
    REQUIRE(c);
    auto s = unix_listener->accept_wait(5s);
    REQUIRE(s);
    REQUIRE(c->write("hi"));
    char buf[2];
    REQUIRE_FALSE(s->set_nonblocking(false));
    CHECK(s->read(buf, 2).value_or(0) == 2);
    ::unlink(path.c_str());
}

TEST_CASE("10,000 connections opened and closed leave the fd count where it started") {
    const int before = test::open_fd_count();
    {
        auto listener = Listener::listen(Address::ipv4_loopback(0));
        REQUIRE(listener);
        for (int i = 0; i < 10000; ++i) {
            auto client = dial_socket(listener->address(), {});
            REQUIRE(client);
            auto server = listener->accept_wait(5s);
            REQUIRE(server);
            // The server closes first with RST, so no TIME_WAIT piles up across 10,000 ports.
            REQUIRE_FALSE(server->set_linger_zero());
        }
    }
    CHECK(test::open_fd_count() == before);
}

TEST_CASE("EMFILE: accept sheds the connection instead of spinning, then recovers") {
    rlimit old{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &old) == 0);
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    // Clients are dialled before the limit drops; their accepted ends are what cannot be opened.
    std::vector<Socket> clients;
    for (int i = 0; i < 3; ++i) {
        auto c = dial_socket(listener->address(), {});
        REQUIRE(c);
        clients.push_back(std::move(*c));
    }
    // Fill the table up to a low limit: every descriptor number up to it in use.
    std::vector<int> fillers;
    const int lowest_free = ::fcntl(0, F_DUPFD_CLOEXEC, 0);
    ::close(lowest_free);
    rlimit low = old;
    low.rlim_cur = static_cast<rlim_t>(lowest_free + 8);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (;;) {
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) break;
        fillers.push_back(fd);
    }

    auto first = listener->accept();
    CHECK(first.error() == std::errc::too_many_files_open);
    // The shed connection was accepted and closed: its client sees the end of the stream.
    char byte;
    REQUIRE_FALSE(clients[0].set_nonblocking(false));
    auto eof = clients[0].read(&byte, 1);
    CHECK((eof.value_or(1) == 0 || eof.error() == std::errc::connection_reset));

    // Each attempt consumed one queued connection, so the queue drains: no busy loop.
    auto second = listener->accept();
    CHECK(second.error() == std::errc::too_many_files_open);
    auto third = listener->accept();
    CHECK(third.error() == std::errc::too_many_files_open);
    // Nothing is left in the queue, so an event loop would not be woken again.
    pollfd p{listener->fd(), POLLIN, 0};
    CHECK(::poll(&p, 1, 0) == 0);

    for (int fd : fillers)
        ::close(fd);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &old) == 0);
    // Recovered: the reserve descriptor is back and accepting works.
    auto c = dial_socket(listener->address(), {});
    REQUIRE(c);
    CHECK(listener->accept_wait(5s));
}
