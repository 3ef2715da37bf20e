// PeerAddress: the client's address as Request::remote_addr shows it ("ip:port", "[ip6]:port").
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

#include "http/detail/server_conn.hpp"

using wire::http::detail::PeerAddress;

namespace {

std::string formatted(int family, const char* ip, std::uint16_t port) {
    sockaddr_storage ss{};
    if (family == AF_INET) {
        auto& in = reinterpret_cast<sockaddr_in&>(ss);
        in.sin_family = AF_INET;
        in.sin_port = htons(port);
        REQUIRE(::inet_pton(AF_INET, ip, &in.sin_addr) == 1);
    } else {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(ss);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        REQUIRE(::inet_pton(AF_INET6, ip, &in6.sin6_addr) == 1);
    }
    char out[64];
    return std::string(PeerAddress::from(ss).format(out));
}

}  // namespace

TEST_CASE("PeerAddress: IPv4 octets and ports at every digit count, IPv6 in brackets") {
    CHECK(formatted(AF_INET, "127.0.0.1", 8080) == "127.0.0.1:8080");
    CHECK(formatted(AF_INET, "0.9.10.99", 0) == "0.9.10.99:0");
    CHECK(formatted(AF_INET, "100.199.200.255", 65535) == "100.199.200.255:65535");
    CHECK(formatted(AF_INET, "255.255.255.255", 9) == "255.255.255.255:9");
    CHECK(formatted(AF_INET, "1.2.3.4", 10) == "1.2.3.4:10");
    CHECK(formatted(AF_INET, "10.20.30.40", 100) == "10.20.30.40:100");
    CHECK(formatted(AF_INET6, "::1", 443) == "[::1]:443");
    CHECK(formatted(AF_INET6, "2001:db8::ff00:42:8329", 60000) == "[2001:db8::ff00:42:8329]:60000");
    sockaddr_storage unix_peer{};
    unix_peer.ss_family = AF_UNIX;
    char out[64];
    CHECK(PeerAddress::from(unix_peer).format(out) == "@");
}
