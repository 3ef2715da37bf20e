// dial: connect to "host:port" like Go's net.Dial / DialTimeout.
//
// Each resolved address is tried in the resolver's order with a non-blocking connect(2) and a
// poll(2) for the outcome; the first that connects wins. The timeout covers the whole attempt
// (resolution excepted: getaddrinfo cannot be interrupted). If every address fails, the first
// address's error is returned, as Go does. TCP connections get TCP_NODELAY, Go's default.
#pragma once

#include <chrono>
#include <string_view>

#include "net/address.hpp"
#include "net/conn.hpp"
#include "net/result.hpp"
#include "net/socket.hpp"

namespace wire::net {

using Clock = std::chrono::steady_clock;

// A zero (or negative) timeout means no timeout beyond the kernel's own SYN retries.
Result<Conn> dial(std::string_view address,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
Result<Conn> dial(const Address& address,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

// The building block: one address, an absolute deadline (Clock::time_point{} for none), and the
// connected Socket left non-blocking, ready for an event loop.
Result<Socket> dial_socket(const Address& address, Clock::time_point deadline);

}  // namespace wire::net
