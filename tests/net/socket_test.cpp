#include "net/socket.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

#include <cstring>
#include <string>

#include "net/error.hpp"
#include "net/listener.hpp"
#include "tests/net/helpers.hpp"

using namespace wire::net;

namespace {
int get_int_option(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    getsockopt(fd, level, name, &v, &len);
    return v;
}
}  // namespace

TEST_CASE("Socket is close-on-exec, move-only and closes its fd") {
    const int before = test::open_fd_count();
    {
        auto s = Socket::open(AF_INET);
        REQUIRE(s);
        CHECK((::fcntl(s->fd(), F_GETFD) & FD_CLOEXEC) != 0);
        CHECK(test::open_fd_count() == before + 1);
        Socket moved = std::move(*s);
        CHECK_FALSE(s->valid());
        CHECK(moved.valid());
    }
    CHECK(test::open_fd_count() == before);
}

TEST_CASE("Socket release and adopt hand the fd over without closing it") {
    auto s = Socket::open(AF_INET);
    REQUIRE(s);
    const int fd = s->release();
    CHECK_FALSE(s->valid());
    CHECK(::fcntl(fd, F_GETFD) >= 0);  // still open
    Socket adopted(fd);
    CHECK(adopted.fd() == fd);
    CHECK_FALSE(adopted.close());
    CHECK(::fcntl(fd, F_GETFD) < 0);
}

TEST_CASE("Socket options reach the kernel") {
    auto s = Socket::open(AF_INET);
    REQUIRE(s);
    REQUIRE_FALSE(s->set_no_delay(true));
    CHECK(get_int_option(s->fd(), IPPROTO_TCP, TCP_NODELAY) != 0);
    REQUIRE_FALSE(s->set_reuse_address(true));
    CHECK(get_int_option(s->fd(), SOL_SOCKET, SO_REUSEADDR) != 0);
    REQUIRE_FALSE(s->set_reuse_port(true));
    CHECK(get_int_option(s->fd(), SOL_SOCKET, SO_REUSEPORT) != 0);
    REQUIRE_FALSE(s->set_keep_alive(true, std::chrono::seconds(30)));
    CHECK(get_int_option(s->fd(), SOL_SOCKET, SO_KEEPALIVE) != 0);
    CHECK(get_int_option(s->fd(), IPPROTO_TCP, TCP_KEEPIDLE) == 30);
    REQUIRE_FALSE(s->set_nonblocking(true));
    CHECK((::fcntl(s->fd(), F_GETFL) & O_NONBLOCK) != 0);
    REQUIRE_FALSE(s->set_nonblocking(false));
    CHECK((::fcntl(s->fd(), F_GETFL) & O_NONBLOCK) == 0);
}

TEST_CASE("Socket read/write/readv/writev on a loopback pair; EAGAIN is would_block") {
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    auto client = dial_socket(listener->address(), {});
    REQUIRE(client);
    auto server = listener->accept_wait(std::chrono::seconds(5));
    REQUIRE(server);

    char buf[16];
    auto nothing = server->read(buf, sizeof buf);  // accepted sockets are non-blocking
    REQUIRE_FALSE(nothing);
    CHECK(would_block(nothing.error()));

    char head[] = "head:", body[] = "body";
    const iovec out[2] = {{head, 5}, {body, 4}};
    auto sent = client->writev(out);
    REQUIRE(sent);
    CHECK(*sent == 9);
    REQUIRE_FALSE(server->set_nonblocking(false));
    char a[3], b[6];
    const iovec in[2] = {{a, 3}, {b, 6}};
    auto got = server->readv(in);
    REQUIRE(got);
    CHECK(*got == 9);
    CHECK(std::string(a, 3) + std::string(b, 6) == "head:body");

    REQUIRE(client->write("x"));
    auto one = server->read(buf, sizeof buf);
    REQUIRE(one);
    CHECK(*one == 1);
}

TEST_CASE("writing to a peer that closed is EPIPE or ECONNRESET, never SIGPIPE") {
    // With SIGPIPE at its default action, a missing MSG_NOSIGNAL would kill this test binary.
    auto old = ::signal(SIGPIPE, SIG_DFL);
    auto listener = Listener::listen(Address::ipv4_loopback(0));
    REQUIRE(listener);
    auto client = dial_socket(listener->address(), {});
    REQUIRE(client);
    {
        auto server = listener->accept_wait(std::chrono::seconds(5));
        REQUIRE(server);
        REQUIRE_FALSE(server->set_linger_zero());  // close sends RST
    }
    REQUIRE_FALSE(client->set_nonblocking(false));
    std::error_code ec;
    std::string chunk(4096, 'x');
    for (int i = 0; i < 100 && !ec; ++i)
        ec = client->write(chunk).error();
    CHECK((ec == std::errc::broken_pipe || ec == std::errc::connection_reset));
    const iovec v{chunk.data(), chunk.size()};
    auto again = client->writev({&v, 1});
    CHECK_FALSE(again);
    ::signal(SIGPIPE, old);
}
