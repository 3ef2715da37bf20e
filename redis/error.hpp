// Errors of the redis layer as values (std::error_code, category "wire.redis"). One table in
// error.cpp holds the message of each. Codec errors name the rule of the RESP specification
// that the bytes break; client errors say what happened to the connection or the command.
#pragma once

#include <system_error>

namespace wire::redis {

enum class Error {
    // RESP framing: the server sent bytes that are not a reply. The connection is closed.
    bad_type = 1,     // the first byte of a value is not one of RESP's type bytes
    bad_line_ending,  // a CR not followed by LF (RESP: every line ends with CRLF)
    bad_integer,      // an integer, length or count that is not [+-]digits within 64 bits
    bad_length,       // a negative length or count other than RESP2's -1 null
    bad_null,         // RESP3 null "_" with something before its CRLF
    bad_boolean,      // RESP3 boolean other than "#t" or "#f"
    bad_double,       // RESP3 double that is not a decimal, "inf", "-inf" or "nan"
    bad_big_number,   // RESP3 big number that is not [+-]digits
    bad_verbatim,     // RESP3 verbatim string without its 3-byte format and ':'
    bad_bulk_ending,  // the bytes after a bulk string's length are not CRLF
    // Limits (redis/limits.hpp), each its own error.
    line_too_long,       // a simple line (status, error, number, header) over max_line_length
    bulk_too_long,       // a bulk string over max_bulk_length
    aggregate_too_long,  // an array, map, set, push or attribute over max_aggregate_count
    nesting_too_deep,    // aggregates nested deeper than max_depth
    reply_too_large,     // one reply over max_reply_bytes
    // The client.
    server_error,      // the server answered with an error reply ("-ERR ...")
    unexpected_reply,  // a reply of a type the command never returns (a protocol mix-up)
    not_connected,     // no connection to the server right now; the command was not sent
    connection_lost,   // the connection closed before the reply arrived
    ping_timeout,      // the server did not answer PING within its deadline
    connect_timeout,   // connecting (and the handshake) took longer than allowed
    queue_full,        // too many bytes waiting to be sent while disconnected or slow
    closed,            // the client was stopped
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

}  // namespace wire::redis

template <>
struct std::is_error_code_enum<wire::redis::Error> : std::true_type {};
