// WebSocket errors as values (std::error_code), and the close code each one is answered with
// (RFC 6455 §7.4.1). One table in error.cpp yields both the message and the close code.
#pragma once

#include <cstdint>
#include <system_error>

namespace wire::websocket {

enum class Error {
    // Framing (RFC 6455 §5): answered with 1002 protocol error.
    reserved_bits_set = 1,
    reserved_opcode,
    control_frame_fragmented,
    control_frame_too_long,
    non_minimal_length,
    length_too_large,
    unmasked_client_frame,
    masked_server_frame,
    unexpected_continuation,
    data_frame_inside_message,
    bad_close_payload,
    bad_close_code,
    // permessage-deflate (RFC 7692 §6): answered with 1002 protocol error.
    compressed_control_frame,
    compressed_continuation,
    bad_compressed_data,
    // Payload data (RFC 6455 §8.1): answered with 1007 invalid frame payload data.
    invalid_utf8,
    // Limits: answered with 1009 message too big.
    message_too_big,
    // Encoding mistakes on our side: answered with 1011 internal error.
    buffer_too_small,
    // Handshake, server side (RFC 6455 §4.2.1): answered with an HTTP status, never a close code.
    handshake_bad_method,
    handshake_bad_http_version,
    handshake_missing_host,
    handshake_bad_upgrade,
    handshake_bad_connection,
    handshake_bad_version,
    handshake_bad_key,
    handshake_bad_origin,
    handshake_bad_extensions,  // Sec-WebSocket-Extensions does not parse (RFC 6455 §9.1): 400
    // Handshake, client side (RFC 6455 §4.1): the connection fails before any frame.
    handshake_bad_status,
    handshake_bad_accept,
    handshake_unoffered_subprotocol,
    handshake_unrequested_extension,
    handshake_bad_deflate_response,
    // Conn use (gorilla's ErrCloseSent, errBadWriteOpCode): returned to the caller, never sent.
    close_sent,
    bad_write_opcode,
    // Dialer (client): before or around the handshake.
    bad_url,
    unsupported_scheme,
    duplicate_header,
    proxy_refused,
};

const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), error_category()};
}

// The close code to send when `e` ends a connection (RFC 6455 §7.4.1): 1002 for framing, 1007 for
// bad payload data, 1009 for a message over the read limit, 1011 for anything else.
[[nodiscard]] std::uint16_t close_code_for(Error e) noexcept;

}  // namespace wire::websocket

template <>
struct std::is_error_code_enum<wire::websocket::Error> : std::true_type {};
