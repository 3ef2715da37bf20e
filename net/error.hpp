// Errors of the net layer, as values: `enum class Error` plugged into std::error_code through its
// own category ("wire.net"). System errors (ECONNREFUSED, ECONNRESET, EMFILE...) travel as
// std::system_category codes; these are the conditions the kernel has no errno for.
//
// Messages read like Go's: "i/o timeout", "use of closed network connection". describe() adds the
// operation and the address: "connect 127.0.0.1:9: connection refused", "read: i/o timeout".
// op_error() puts them into the error value itself, as Go's *net.OpError does, for the errors
// that leave a server through a plain error code: "listen 127.0.0.1:8080: address already in use".
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace wire::net {

enum class Error {
    timeout = 1,     // a deadline passed (Conn deadlines, dial timeout)
    closed,          // the Conn or Listener was closed by this process
    eof,             // the peer ended the stream before any byte of what was asked
    unexpected_eof,  // the peer ended the stream in the middle of what was asked
    bad_address,     // not host:port, or a host that is not an IP address where one is needed
    missing_port,    // "127.0.0.1" or "127.0.0.1:"
    bad_port,        // not a decimal number in 0..65535
    host_not_found,  // the resolver knows no such name (EAI_NONAME)
    resolve_failed,  // the resolver failed for another reason (EAI_AGAIN, EAI_FAIL...)
    no_address,      // a name resolved to no usable address
    buffer_full,     // a buffered read needs more bytes than the buffer holds
};

const std::error_category& net_category() noexcept;
std::error_code make_error_code(Error e) noexcept;

// True for every error caused by a passed deadline: what Go's net.Error.Timeout() reports.
bool is_timeout(std::error_code ec) noexcept;
// True for EAGAIN/EWOULDBLOCK: the non-blocking call found nothing to do; try again when ready.
bool would_block(std::error_code ec) noexcept;

// A message a person understands, with the first letter lowered for system errors so that it reads
// as Go's do ("connection refused", not "Connection refused").
std::string message(std::error_code ec);
// "op address: message", or "op: message" when address is empty.
std::string describe(std::string_view op, std::string_view address, std::error_code ec);

// Go's *net.OpError as a std::error_code: the same value as `cause` in a category whose message()
// is describe(op, address, cause). It still compares equal to the cause's conditions
// (`ec == std::errc::address_in_use`), and unwrap() gives the cause back (Go's errors.Unwrap).
// A std::error_code holds no text, so each distinct (op, address, cause category) gets its own
// category object, made once and kept for the life of the process. They are meant for rare
// errors on the few addresses a program configures (listen); past 1024 of them the cause is
// returned unwrapped rather than the table growing further.
std::error_code op_error(std::string_view op, std::string_view address, std::error_code cause);
// The error op_error() wrapped; any other error as it is.
std::error_code unwrap(std::error_code ec) noexcept;

}  // namespace wire::net

template <>
struct std::is_error_code_enum<wire::net::Error> : std::true_type {};
