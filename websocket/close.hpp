// Close frame payloads (RFC 6455 §5.5.1) and status codes (§7.4, IANA "WebSocket Close Code
// Number Registry").
//
//   close-payload = [ status-code (2 bytes, network order) *reason ] ; reason is UTF-8, <= 123
//   bytes
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace wire::websocket {

// Status codes, RFC 6455 §7.4.1 and the IANA registry (1012-1014).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  // never on the wire: "no code was present"
inline constexpr std::uint16_t abnormal =
    1006;  // never on the wire: "closed without a close frame"
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
inline constexpr std::uint16_t service_restart = 1012;
inline constexpr std::uint16_t try_again_later = 1013;
inline constexpr std::uint16_t bad_gateway = 1014;
inline constexpr std::uint16_t tls_handshake = 1015;  // never on the wire
}  // namespace close_code

// RFC 6455 §5.5: 125-byte control payload minus the 2-byte code.
inline constexpr std::size_t max_close_reason = 123;

// Whether `code` may appear in a close frame, sent or received (RFC 6455 §7.4.1-§7.4.2):
// 1000-1003 and 1007-1014 (registered), 3000-4999 (libraries, frameworks, applications).
// 1004 is reserved; 1005, 1006, 1015 are never on the wire; 0-999 and the rest are unassigned.
[[nodiscard]] bool is_valid_close_code(std::uint16_t code) noexcept;

struct ClosePayload {
    std::uint16_t code = close_code::no_status;  // no_status when the payload was empty
    std::string_view reason;                     // a view into the parsed payload
};

// Parses a received close payload: empty, or a valid code then UTF-8 text. Errors:
// bad_close_payload (1 byte), bad_close_code, invalid_utf8. `out.reason` views `payload`.
[[nodiscard]] std::error_code parse_close_payload(std::span<const std::uint8_t> payload,
                                                  ClosePayload& out) noexcept;

// Writes a close payload into `out` (at least 2 + reason bytes). no_status writes nothing.
// Returns the bytes written, or 0 with `error` set: bad_close_code for a code that may not be sent,
// invalid_utf8 or control_frame_too_long for the reason, buffer_too_small.
[[nodiscard]] std::size_t encode_close_payload(std::uint16_t code, std::string_view reason,
                                               std::span<std::uint8_t> out,
                                               std::error_code& error) noexcept;

// `reason` cut to at most max_close_reason bytes without splitting a UTF-8 character, for
// explanations written for people (error messages) that may run longer than a close frame holds.
[[nodiscard]] std::string_view fit_close_reason(std::string_view reason) noexcept;

// gorilla's FormatCloseMessage: the payload for a close frame with this code and text, or an
// empty payload for no_status. Does not validate (use encode_close_payload for that).
[[nodiscard]] std::string format_close_message(std::uint16_t code, std::string_view text);

// The name of a close code (RFC 6455 §7.4.1, IANA registry): "normal closure", "going away", ...
// "application" for 4000-4999, "registered/library" for 3000-3999, "" for unassigned codes.
[[nodiscard]] std::string_view close_code_name(std::uint16_t code) noexcept;

}  // namespace wire::websocket
