// The opening handshake (RFC 6455 §4), pure: the caller's HTTP layer hands over the header values
// as string_views, and gets back a verdict, the status to answer and the headers to send. No I/O.
//
// Server:  check_upgrade_request() -> accept_upgrade() -> format_upgrade_response() (101), or
//          format_error_response() for any HandshakeCheck that failed.
// Client:  generate_key() -> (send the request) -> check_upgrade_response().
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "websocket/deflate_params.hpp"
#include "websocket/error.hpp"

namespace wire::websocket {

// RFC 6455 §1.3: the GUID appended to the key before hashing.
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
// RFC 6455 §4.4: the only version this implementation speaks.
inline constexpr std::string_view websocket_version = "13";
inline constexpr std::size_t key_length = 24;     // Base64 of 16 bytes
inline constexpr std::size_t accept_length = 28;  // Base64 of a 20-byte SHA-1 digest

// A fixed-size Base64 string, no heap.
template <std::size_t N>
struct Base64Text {
    std::array<char, N> chars{};
    [[nodiscard]] std::string_view view() const noexcept { return {chars.data(), N}; }
};
using AcceptValue = Base64Text<accept_length>;
using ClientKey = Base64Text<key_length>;

// RFC 6455 §4.2.2 (5.4): Sec-WebSocket-Accept = base64(SHA-1(key + GUID)).
[[nodiscard]] AcceptValue compute_accept(std::string_view key) noexcept;

// The handshake headers of an upgrade request; an empty view means the header was absent.
// Repeated list headers (Connection, Sec-WebSocket-Protocol, -Extensions) are joined with ", ".
struct UpgradeRequest {
    std::string_view method;        // "GET"
    std::string_view http_version;  // "HTTP/1.1"
    std::string_view host;
    std::string_view upgrade;
    std::string_view connection;
    std::string_view version;     // Sec-WebSocket-Version
    std::string_view key;         // Sec-WebSocket-Key
    std::string_view protocol;    // Sec-WebSocket-Protocol
    std::string_view extensions;  // Sec-WebSocket-Extensions
    std::string_view origin;
};

// A header field a refusal adds to its answer.
struct HandshakeField {
    std::string_view name;
    std::string_view value;
};

// The verdict on a handshake: status 101 and no error, or the HTTP status to answer with a body
// that names the header and the fix, and sometimes header fields to add (405 adds Allow: GET;
// 426 adds Upgrade: websocket, Connection: Upgrade and Sec-WebSocket-Version: 13, RFC 9110
// §15.5.22). All views are of static text.
struct HandshakeCheck {
    std::error_code error;
    int status = 101;
    std::string_view body;
    std::span<const HandshakeField> fields;
    [[nodiscard]] bool ok() const noexcept { return !error; }
};

// The HandshakeCheck that answers `e` (used for every failure, including the origin check).
[[nodiscard]] HandshakeCheck handshake_failure(Error e) noexcept;

// RFC 6455 §4.2.1: GET, HTTP/1.1 or later, Host, Upgrade: websocket, Connection: upgrade,
// Sec-WebSocket-Version: 13 (else 426), Sec-WebSocket-Key the Base64 of 16 bytes.
// Checks in that order and reports the first failure.
[[nodiscard]] HandshakeCheck check_upgrade_request(const UpgradeRequest& request) noexcept;

// gorilla's checkSameOrigin: true when there is no Origin header, or when the Origin's host
// (with port) equals the Host header, ignoring ASCII case. The safe default for check_origin.
[[nodiscard]] bool is_same_origin(std::string_view origin, std::string_view host) noexcept;

// Whether a comma-separated header list (RFC 9110 §5.6.1) contains `token`, ignoring ASCII case.
[[nodiscard]] bool header_has_token(std::string_view list, std::string_view token) noexcept;

// RFC 6455 §4.2.2 (5.4): the first of the server's `supported` protocols, in the server's order of
// preference, that the client offered; empty when none (then no Sec-WebSocket-Protocol is sent).
[[nodiscard]] std::string_view select_subprotocol(
    std::string_view offered, std::span<const std::string_view> supported) noexcept;

// What an extension negotiation agreed on: the Sec-WebSocket-Extensions value to answer with
// (empty: none) and the RSV bits the accepted extensions use (rsv1 for permessage-deflate).
struct ExtensionAgreement {
    std::string response;
    std::uint8_t rsv = 0;
};
// The hook an extension plugs in: given the client's offer, decide what to accept.
using ExtensionNegotiator = std::function<ExtensionAgreement(std::string_view offer)>;

struct ServerHandshakeOptions {
    std::span<const std::string_view> subprotocols;  // in order of preference
    // permessage-deflate (RFC 7692): set to negotiate it with these preferences. Then a
    // Sec-WebSocket-Extensions that does not parse fails the handshake (400, naming the rule).
    const CompressionOptions* compression = nullptr;
    // Other extensions: none set, every offer is declined (RFC 6455 §9.1). Not asked when
    // permessage-deflate was accepted.
    ExtensionNegotiator negotiate_extensions;
};

struct UpgradeResponse {
    AcceptValue accept;
    std::string_view protocol;  // the chosen subprotocol (a view into the options), or empty
    ExtensionAgreement extensions;
    bool deflate = false;  // permessage-deflate accepted, with deflate_params
    DeflateParams deflate_params;
};

// Checks the request and decides the response: accept value, subprotocol, extensions.
[[nodiscard]] HandshakeCheck accept_upgrade(const UpgradeRequest& request,
                                            const ServerHandshakeOptions& options,
                                            UpgradeResponse& out);

// "HTTP/1.1 101 Switching Protocols" with Upgrade, Connection, Sec-WebSocket-Accept and the
// negotiated Sec-WebSocket-Protocol / -Extensions.
[[nodiscard]] std::string format_upgrade_response(const UpgradeResponse& response);
// The failure answer: status line, the check's fields, a text body, and "close" in Connection.
[[nodiscard]] std::string format_error_response(const HandshakeCheck& check);

// Client: a fresh Sec-WebSocket-Key, Base64 of 16 bytes from crypto::fill_random (RFC 6455 §4.1:
// "randomly selected ... for each connection").
[[nodiscard]] std::error_code generate_key(ClientKey& out) noexcept;

// The server's answer as the client's HTTP layer parsed it.
struct UpgradeResponseHead {
    int status = 0;
    std::string_view upgrade;
    std::string_view connection;
    std::string_view accept;      // Sec-WebSocket-Accept
    std::string_view protocol;    // Sec-WebSocket-Protocol
    std::string_view extensions;  // Sec-WebSocket-Extensions
};

// RFC 6455 §4.1 (client requirements on the response): 101, Upgrade: websocket, Connection:
// upgrade, the accept value for `sent_key`, a subprotocol only if one of `offered_protocols` was
// chosen, and no extension the client did not list in `requested_extensions`.
[[nodiscard]] std::error_code check_upgrade_response(
    const UpgradeResponseHead& response, std::string_view sent_key,
    std::string_view offered_protocols, std::string_view requested_extensions) noexcept;

}  // namespace wire::websocket
