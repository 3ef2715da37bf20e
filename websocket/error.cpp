#include "websocket/error.hpp"

#include <string>

namespace wire::websocket {

namespace {

struct ErrorInfo {
    Error error;
    std::uint16_t close_code;
    const char* message;
};

// One row per error: the close code that answers it and a message a person can act on.
constexpr ErrorInfo kErrors[] = {
    {Error::reserved_bits_set, 1002,
     "frame has RSV1/RSV2/RSV3 set but no extension that uses them was negotiated (RFC 6455 §5.2)"},
    {Error::reserved_opcode, 1002, "frame uses a reserved opcode (3-7 or 11-15; RFC 6455 §5.2)"},
    {Error::control_frame_fragmented, 1002,
     "control frame (close, ping, pong) has FIN clear; control frames must not be fragmented "
     "(RFC 6455 §5.5)"},
    {Error::control_frame_too_long, 1002,
     "control frame payload is longer than 125 bytes (RFC 6455 §5.5)"},
    {Error::non_minimal_length, 1002,
     "payload length is not encoded in the minimal number of bytes (RFC 6455 §5.2)"},
    {Error::length_too_large, 1002,
     "64-bit payload length has its most significant bit set (RFC 6455 §5.2)"},
    {Error::unmasked_client_frame, 1002,
     "client sent an unmasked frame; clients must mask every frame (RFC 6455 §5.1)"},
    {Error::masked_server_frame, 1002,
     "server sent a masked frame; servers must not mask (RFC 6455 §5.1)"},
    {Error::unexpected_continuation, 1002,
     "continuation frame arrived but no fragmented message was in progress (RFC 6455 §5.4)"},
    {Error::data_frame_inside_message, 1002,
     "new text or binary frame arrived before the fragmented message in progress was finished "
     "(RFC 6455 §5.4)"},
    {Error::bad_close_payload, 1002,
     "close frame payload is one byte long; it must be empty or start with a 2-byte code "
     "(RFC 6455 §5.5.1)"},
    {Error::bad_close_code, 1002,
     "close frame carries a status code that may not be sent on the wire (RFC 6455 §7.4)"},
    {Error::compressed_control_frame, 1002,
     "control frame has RSV1 set; permessage-deflate never compresses control frames "
     "(RFC 7692 §6.1)"},
    {Error::compressed_continuation, 1002,
     "continuation frame has RSV1 set; only the first frame of a compressed message carries it "
     "(RFC 7692 §6.1)"},
    {Error::bad_compressed_data, 1002,
     "compressed message is not valid DEFLATE data for the negotiated window (RFC 7692 §6.2, "
     "RFC 1951)"},
    {Error::invalid_utf8, 1007,
     "text message or close reason is not valid UTF-8 (RFC 6455 §8.1, RFC 3629)"},
    {Error::message_too_big, 1009,
     "message is larger than the read limit; raise the limit if such messages are expected"},
    {Error::buffer_too_small, 1011, "output buffer is too small for the frame being encoded"},
    {Error::handshake_bad_method, 0, "WebSocket upgrade request must use GET (RFC 6455 §4.1)"},
    {Error::handshake_bad_http_version, 0,
     "WebSocket upgrade request must be HTTP/1.1 or later (RFC 6455 §4.1)"},
    {Error::handshake_missing_host, 0,
     "WebSocket upgrade request has no Host header (RFC 6455 §4.1)"},
    {Error::handshake_bad_upgrade, 0,
     "'Upgrade' header must contain 'websocket' (RFC 6455 §4.2.1)"},
    {Error::handshake_bad_connection, 0,
     "'Connection' header must contain the token 'Upgrade' (RFC 6455 §4.2.1)"},
    {Error::handshake_bad_version, 0,
     "'Sec-WebSocket-Version' must be 13, the only version this server speaks (RFC 6455 §4.4)"},
    {Error::handshake_bad_key, 0,
     "'Sec-WebSocket-Key' must be the Base64 of exactly 16 random bytes (RFC 6455 §4.1)"},
    {Error::handshake_bad_origin, 0,
     "request 'Origin' is not allowed by the server's origin check (RFC 6455 §10.2)"},
    {Error::handshake_bad_extensions, 0,
     "'Sec-WebSocket-Extensions' is malformed (RFC 6455 §9.1), or names permessage-deflate twice "
     "in an answer (RFC 7692 §5.1)"},
    {Error::handshake_bad_status, 0,
     "server did not answer the upgrade with '101 Switching Protocols' (RFC 6455 §4.1)"},
    {Error::handshake_bad_accept, 0,
     "server's 'Sec-WebSocket-Accept' does not match the key we sent (RFC 6455 §4.1)"},
    {Error::handshake_unoffered_subprotocol, 0,
     "server chose a subprotocol the client did not offer (RFC 6455 §4.1)"},
    {Error::handshake_unrequested_extension, 0,
     "server answered with an extension the client did not request (RFC 6455 §4.1)"},
    {Error::handshake_bad_deflate_response, 0,
     "server's permessage-deflate answer has a parameter or value the client did not offer "
     "(RFC 7692 §7.1)"},
    {Error::close_sent, 0,
     "a close frame was already sent on this connection; no data may follow it (RFC 6455 §5.5.1)"},
    {Error::bad_write_opcode, 0,
     "messages are written as text or binary; use write_control for close, ping and pong"},
    {Error::bad_url, 0,
     "WebSocket URL must look like ws://host[:port][/path][?query], without a fragment "
     "(RFC 6455 §3)"},
    {Error::unsupported_scheme, 0,
     "only ws:// URLs are supported (wss:// needs TLS, which wire does not provide yet)"},
    {Error::duplicate_header, 0,
     "the dialer sets Upgrade, Connection, Sec-WebSocket-Key, -Version and -Extensions itself; "
     "remove them from the extra headers (use Dialer::subprotocols for Sec-WebSocket-Protocol)"},
    {Error::proxy_refused, 0,
     "the HTTP proxy did not answer CONNECT with a 2xx status; see the response for why"},
};

const ErrorInfo* find(int value) noexcept {
    for (const auto& info : kErrors) {
        if (static_cast<int>(info.error) == value) return &info;
    }
    return nullptr;
}

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "websocket"; }
    std::string message(int value) const override {
        const ErrorInfo* info = find(value);
        return info ? info->message : "unknown websocket error";
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

std::uint16_t close_code_for(Error e) noexcept {
    const ErrorInfo* info = find(static_cast<int>(e));
    // Handshake errors happen before any frame can be sent; 1011 is the safe answer if asked.
    if (info == nullptr || info->close_code == 0) return 1011;
    return info->close_code;
}

}  // namespace wire::websocket
