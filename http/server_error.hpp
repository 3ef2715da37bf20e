// Errors of the HTTP server side (ResponseWriter, Request bodies, hijacking), as values plugged
// into std::error_code through their own category ("wire.http.server"). Message-syntax errors
// stay in http/error.hpp; these are the server's own conditions, Go's ErrBodyNotAllowed,
// ErrHijacked, ErrContentLength and friends.
#pragma once

#include <system_error>

namespace wire::http {

enum class ServerError {
    body_not_allowed = 1,     // a write for a status without content (1xx, 204, 304; RFC 9110 §15)
    hijacked,                 // the connection was hijacked: the server may not use it any more
    content_length_mismatch,  // the handler wrote more than the Content-Length it declared
    already_hijacked,         // hijack() or upgrade_on_loop() called twice, or after a write
    not_supported,            // hijacking is not available on this ResponseWriter
    body_too_large,           // max_bytes_reader: the body passed its limit (Go's MaxBytesError)
    handler_timeout,          // timeout_handler: the handler ran past its deadline
    server_closed,            // listen_and_serve after shutdown() or close() (Go's ErrServerClosed)
    connection_closed,        // the peer went away while the handler read or wrote
};

const std::error_category& server_category() noexcept;
std::error_code make_error_code(ServerError e) noexcept;

}  // namespace wire::http

template <>
struct std::is_error_code_enum<wire::http::ServerError> : std::true_type {};
