#include "net/address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <charconv>
#include <cstring>

#include "net/error.hpp"

namespace wire::net {
namespace {

Result<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty()) return Error::missing_port;
    unsigned value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    // Decimal digits only: no sign, no spaces, no service names, and nothing above 65535.
    if (ec != std::errc{} || ptr != end || value > 65535) return Error::bad_port;
    return static_cast<std::uint16_t>(value);
}

// A host that is an IP literal, or nothing if it is a name (or junk) for the resolver.
bool parse_ip(std::string_view host, std::uint16_t port, Address& out) {
    char text[INET6_ADDRSTRLEN] = {};
    if (host.size() >= sizeof text) return false;
    std::memcpy(text, host.data(), host.size());
    sockaddr_in v4{};
    if (inet_pton(AF_INET, text, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        out = Address(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
        return true;
    }
    sockaddr_in6 v6{};
    if (inet_pton(AF_INET6, text, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        out = Address(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
        return true;
    }
    return false;
}

}  // namespace

Result<HostPort> split_host_port(std::string_view s) {
    HostPort out;
    if (!s.empty() && s.front() == '[') {
        // "[" IPv6 "]" ":" port — brackets are how a colon-bearing host is told from the port.
        const auto close = s.find(']');
        if (close == std::string_view::npos) return Error::bad_address;
        out.host = s.substr(1, close - 1);
        const auto rest = s.substr(close + 1);
        if (rest.empty()) return Error::missing_port;
        if (rest.front() != ':') return Error::bad_address;
        out.port = rest.substr(1);
    } else {
        const auto colon = s.rfind(':');
        if (colon == std::string_view::npos) return Error::missing_port;
        out.host = s.substr(0, colon);
        out.port = s.substr(colon + 1);
        // "::1:80" is ambiguous: an IPv6 host needs brackets.
        if (out.host.find(':') != std::string_view::npos) return Error::bad_address;
    }
    if (out.host.find_first_of("[]") != std::string_view::npos) return Error::bad_address;
    if (out.port.empty()) return Error::missing_port;
    return out;
}

Address::Address() noexcept : storage_{} {}

Address::Address(const sockaddr* sa, socklen_t len) noexcept : storage_{} {
    if (len > sizeof storage_) len = sizeof storage_;
    std::memcpy(&storage_, sa, len);
    length_ = len;
}

Result<Address> Address::parse(std::string_view host_port) {
    auto hp = split_host_port(host_port);
    if (!hp) return hp.error();
    auto port = parse_port(hp->port);
    if (!port) return port.error();
    if (hp->host.empty()) {
        // Go's ":8080": every interface. We take IPv4's 0.0.0.0 (see the header).
        Address any = ipv4_loopback(*port);
        reinterpret_cast<sockaddr_in*>(&any.storage_)->sin_addr.s_addr = htonl(INADDR_ANY);
        return any;
    }
    Address out;
    if (!parse_ip(hp->host, *port, out)) return Error::bad_address;
    // "[1.2.3.4]:80": brackets are for IPv6 only.
    if (host_port.front() == '[' && !out.is_ipv6()) return Error::bad_address;
    return out;
}

Result<std::vector<Address>> Address::resolve(std::string_view host_port) {
    auto hp = split_host_port(host_port);
    if (!hp) return hp.error();
    auto port = parse_port(hp->port);
    if (!port) return port.error();
    if (auto numeric = parse(host_port)) return std::vector<Address>{*numeric};
    if (host_port.front() == '[') return Error::bad_address;  // brackets around a non-IPv6 host

    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    const std::string host(hp->host);
    const std::string service(hp->port);
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
    if (rc == EAI_NONAME || rc == EAI_NODATA) return Error::host_not_found;
    if (rc != 0) return Error::resolve_failed;
    std::vector<Address> out;
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6) {
            out.emplace_back(ai->ai_addr, ai->ai_addrlen);
        }
    }
    freeaddrinfo(list);
    if (out.empty()) return Error::no_address;
    return out;
}

Result<Address> Address::unix_path(std::string_view path) {
    sockaddr_un un{};
    // sun_path is 108 bytes on Linux; a path must leave room for its terminating NUL.
    if (path.empty() || path.size() >= sizeof un.sun_path) return Error::bad_address;
    un.sun_family = AF_UNIX;
    std::memcpy(un.sun_path, path.data(), path.size());
    if (path.front() == '@') un.sun_path[0] = '\0';  // abstract namespace: no file on disk
    const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() +
                                            (path.front() == '@' ? 0 : 1));
    return Address(reinterpret_cast<const sockaddr*>(&un), len);
}

Address Address::ipv4_loopback(std::uint16_t port) noexcept {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return Address(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
}

std::uint16_t Address::port() const noexcept {
    if (is_ipv4()) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    if (is_ipv6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    return 0;
}

void Address::set_port(std::uint16_t port) noexcept {
    if (is_ipv4()) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
    if (is_ipv6()) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

std::string Address::host() const {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_ipv4()) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
                  sizeof text);
        return text;
    }
    if (is_ipv6()) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text,
                  sizeof text);
        return text;
    }
    if (is_unix()) {
        const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
        const auto offset = offsetof(sockaddr_un, sun_path);
        if (length_ <= offset) return {};  // an unnamed socket (socketpair, unbound client)
        std::string path(un->sun_path, length_ - offset);
        if (path.front() == '\0') path.front() = '@';
        while (!path.empty() && path.back() == '\0')
            path.pop_back();
        return path;
    }
    return {};
}

std::string Address::to_string() const {
    if (is_ipv4()) return host() + ':' + std::to_string(port());
    if (is_ipv6()) return '[' + host() + "]:" + std::to_string(port());
    return host();
}

bool operator==(const Address& a, const Address& b) noexcept {
    return a.length_ == b.length_ && std::memcmp(&a.storage_, &b.storage_, a.length_) == 0;
}

}  // namespace wire::net
