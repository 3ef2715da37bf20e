// Address: an IPv4, IPv6 or Unix-domain socket address, parsed from and formatted to Go's text
// forms: "127.0.0.1:8080", "[::1]:8080", ":8080" (every IPv4 interface), "localhost:8080" (through
// the resolver), and Unix paths via Address::unix_path("/run/app.sock").
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/result.hpp"

namespace wire::net {

class Address {
  public:
    Address() noexcept;  // the empty address (family AF_UNSPEC)
    // From a kernel sockaddr (accept, getsockname); `len` bytes of `sa` are copied.
    Address(const sockaddr* sa, socklen_t len) noexcept;

    // Numeric only, never blocks: "1.2.3.4:80", "[::1]:80", ":80" (0.0.0.0). A host name is
    // Error::bad_address here; use resolve() for names.
    static Result<Address> parse(std::string_view host_port);
    // Numeric forms as parse(); any other host goes through getaddrinfo (which may block on DNS).
    // Addresses come in the resolver's order, which dial() tries one after the other.
    static Result<std::vector<Address>> resolve(std::string_view host_port);
    // A Unix-domain stream socket path; a leading '@' names the Linux abstract namespace.
    static Result<Address> unix_path(std::string_view path);
    static Address ipv4_loopback(std::uint16_t port) noexcept;

    int family() const noexcept { return storage_.ss_family; }
    bool is_ipv4() const noexcept { return family() == AF_INET; }
    bool is_ipv6() const noexcept { return family() == AF_INET6; }
    bool is_unix() const noexcept { return family() == AF_UNIX; }
    bool empty() const noexcept { return family() == AF_UNSPEC; }

    std::uint16_t port() const noexcept;  // 0 for Unix and empty addresses
    void set_port(std::uint16_t port) noexcept;
    std::string host() const;       // "127.0.0.1", "::1", a path for Unix
    std::string to_string() const;  // "127.0.0.1:80", "[::1]:80", "/run/app.sock"

    const sockaddr* sockaddr_ptr() const noexcept {
        return reinterpret_cast<const sockaddr*>(&storage_);
    }
    socklen_t length() const noexcept { return length_; }

    friend bool operator==(const Address& a, const Address& b) noexcept;

  private:
    sockaddr_storage storage_;
    socklen_t length_ = 0;
};

// Splits Go-style "host:port" without interpreting either part: "[::1]:80" -> "::1", "80".
// Errors: Error::missing_port, Error::bad_address (stray brackets, too many colons).
struct HostPort {
    std::string_view host;
    std::string_view port;
};
Result<HostPort> split_host_port(std::string_view host_port);

}  // namespace wire::net
