#include "net/listener.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
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

namespace {

// A socket bound and listening on 127.0.0.1:port the plain way, as another program would hold
// the port; with `reuse_port`, one that sets SO_REUSEPORT to share it.
Socket raw_listener(std::uint16_t port, bool reuse_port) {
    Socket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(s.valid());
    if (reuse_port) REQUIRE_FALSE(s.set_reuse_port(true));
    const Address a = Address::ipv4_loopback(port);
    if (::bind(s.fd(), a.sockaddr_ptr(), a.length()) != 0 || ::listen(s.fd(), 16) != 0) {
        return Socket();
    }
    return s;
}

std::string in_use(const Address& a) {
    return "listen " + a.to_string() + ": address already in use";
}

}  // namespace

TEST_CASE("a port another socket holds: listen fails with an error that names the address") {
    auto first = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(first);
    auto second = Listener::listen(first->address());
    REQUIRE_FALSE(second);
    CHECK(second.error().message() == in_use(first->address()));
    CHECK(second.error() == std::errc::address_in_use);
    // By text too, the address as it was asked for.
    auto by_text = Listener::listen(first->address().to_string());
    REQUIRE_FALSE(by_text);
    CHECK(by_text.error().message() == in_use(first->address()));

    SUBCASE("held by a plain socket of another program") {
        const std::uint16_t port = first->address().port();
        REQUIRE_FALSE(first->close());
        Socket other = raw_listener(port, false);
        REQUIRE(other.valid());
        auto l = Listener::listen(Address::ipv4_loopback(port));
        REQUIRE_FALSE(l);
        CHECK(l.error().message() == in_use(Address::ipv4_loopback(port)));
        auto group = listen_shared(Address::ipv4_loopback(port), 4);
        REQUIRE_FALSE(group);
        CHECK(group.error().message() == in_use(Address::ipv4_loopback(port)));
    }
    SUBCASE("held by a socket that set SO_REUSEPORT: without it we do not join its group") {
        const std::uint16_t port = first->address().port();
        REQUIRE_FALSE(first->close());
        Socket other = raw_listener(port, true);
        REQUIRE(other.valid());
        auto l = Listener::listen(Address::ipv4_loopback(port));
        REQUIRE_FALSE(l);
        CHECK(l.error() == std::errc::address_in_use);
    }
    SUBCASE("ours, and a stranger sets SO_REUSEPORT: it cannot join") {
        CHECK_FALSE(raw_listener(first->address().port(), true).valid());
        auto group = listen_reuse_port(first->address(), 2);
        REQUIRE_FALSE(group);
        CHECK(group.error().message() == in_use(first->address()));
    }
}

TEST_CASE("listen_reuse_port: sockets in one SO_REUSEPORT group, port 0 picked once for all") {
    auto group = listen_reuse_port(Address::ipv4_loopback(0), 3);
    REQUIRE(group);
    REQUIRE(group->size() == 3);
    const auto port = (*group)[0].address().port();
    CHECK(port != 0);
    for (const Listener& l : *group)
        CHECK(l.address().port() == port);
    // Another group that opts in may join it: the price of the opt-in.
    CHECK(raw_listener(port, true).valid());
    CHECK(listen_reuse_port((*group)[0].address(), 1));
    // One that does not may not.
    CHECK_FALSE(Listener::listen((*group)[0].address()));
}

TEST_CASE("listen_shared: one socket, a descriptor per loop, listening until the last closes") {
    auto group = listen_shared(Address::ipv4_loopback(0), 3);
    REQUIRE(group);
    REQUIRE(group->size() == 3);
    const Address where = (*group)[0].address();
    CHECK(where.port() != 0);
    for (const Listener& l : *group) {
        CHECK(l.address() == where);
        CHECK((::fcntl(l.fd(), F_GETFD) & FD_CLOEXEC) != 0);
        CHECK((::fcntl(l.fd(), F_GETFL) & O_NONBLOCK) != 0);  // one file: one set of flags
    }
    CHECK((*group)[0].fd() != (*group)[1].fd());
    // One accept queue: a connection is accepted through any of them, once.
    auto c = dial(where, 5s);
    REQUIRE(c);
    auto s = (*group)[2].accept_wait(5s);
    REQUIRE(s);
    CHECK(would_block((*group)[0].accept().error()));
    // Closing copies leaves the socket listening while one is open.
    REQUIRE_FALSE((*group)[0].close());
    REQUIRE_FALSE((*group)[1].close());
    CHECK(dial(where, 5s));
    CHECK((*group)[2].accept_wait(5s));
    CHECK_FALSE(Listener::listen(where));  // still held
    REQUIRE_FALSE((*group)[2].close());
    CHECK_FALSE(dial(where, 5s));  // refused: nothing listens
    CHECK(Listener::listen(where));
    // One loop: one socket, nothing duplicated.
    auto single = listen_shared(Address::ipv4_loopback(0), 1);
    REQUIRE(single);
    CHECK(single->size() == 1);
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
