#include "websocket/close.hpp"

#include "websocket/error.hpp"
#include "websocket/utf8.hpp"

namespace wire::websocket {

bool is_valid_close_code(std::uint16_t code) noexcept {
    // §7.4.2: 0-999 are not used; 3000-4999 are for libraries and applications.
    if (code >= 3000 && code <= 4999) return true;
    // §7.4.1: 1004 is reserved; 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close
    // control frame". 1012-1014 were added by the IANA registry after the RFC.
    switch (code) {
        case 1000:
        case 1001:
        case 1002:
        case 1003:
        case 1007:
        case 1008:
        case 1009:
        case 1010:
        case 1011:
        case 1012:
        case 1013:
        case 1014:
            return true;
        default:
            return false;
    }
}

std::error_code parse_close_payload(std::span<const std::uint8_t> payload,
                                    ClosePayload& out) noexcept {
    out = ClosePayload{};
    if (payload.empty()) return {};  // §5.5.1: the body is optional; the code is then "1005"
    // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
    // integer".
    if (payload.size() < 2) return Error::bad_close_payload;
    const auto code = static_cast<std::uint16_t>((payload[0] << 8) | payload[1]);
    // §7.4: a code that may not be sent is a protocol error when received.
    if (!is_valid_close_code(code)) return Error::bad_close_code;
    const auto reason = payload.subspan(2);
    // §5.5.1: the reason is UTF-8; §8.1 makes invalid text a failure (1007).
    if (!is_valid_utf8(reason)) return Error::invalid_utf8;
    out.code = code;
    out.reason = {reinterpret_cast<const char*>(reason.data()), reason.size()};
    return {};
}

std::string_view fit_close_reason(std::string_view reason) noexcept {
    if (reason.size() <= max_close_reason) return reason;
    std::size_t n = max_close_reason;
    // Back off continuation bytes (10xxxxxx) so the cut lands before a character's first byte.
    while (n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80)
        --n;
    return reason.substr(0, n);
}

std::size_t encode_close_payload(std::uint16_t code, std::string_view reason,
                                 std::span<std::uint8_t> out, std::error_code& error) noexcept {
    error.clear();
    if (code == close_code::no_status && reason.empty()) return 0;
    if (!is_valid_close_code(code)) {
        error = Error::bad_close_code;
        return 0;
    }
    if (reason.size() > max_close_reason) {
        error = Error::control_frame_too_long;
        return 0;
    }
    if (!is_valid_utf8(reason)) {
        error = Error::invalid_utf8;
        return 0;
    }
    if (out.size() < 2 + reason.size()) {
        error = Error::buffer_too_small;
        return 0;
    }
    out[0] = static_cast<std::uint8_t>(code >> 8);
    out[1] = static_cast<std::uint8_t>(code);
    for (std::size_t i = 0; i < reason.size(); ++i)
        out[2 + i] = static_cast<std::uint8_t>(reason[i]);
    return 2 + reason.size();
}

std::string format_close_message(std::uint16_t code, std::string_view text) {
    if (code == close_code::no_status) return {};
    std::string payload;
    payload.reserve(2 + text.size());
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(text);
    return payload;
}

std::string_view close_code_name(std::uint16_t code) noexcept {
    switch (code) {
        case close_code::normal:
            return "normal closure";
        case close_code::going_away:
            return "going away";
        case close_code::protocol_error:
            return "protocol error";
        case close_code::unsupported_data:
            return "unsupported data";
        case 1004:
            return "reserved";
        case close_code::no_status:
            return "no status received";
        case close_code::abnormal:
            return "abnormal closure";
        case close_code::invalid_payload:
            return "invalid frame payload data";
        case close_code::policy_violation:
            return "policy violation";
        case close_code::message_too_big:
            return "message too big";
        case close_code::mandatory_extension:
            return "mandatory extension";
        case close_code::internal_error:
            return "internal error";
        case close_code::service_restart:
            return "service restart";
        case close_code::try_again_later:
            return "try again later";
        case close_code::bad_gateway:
            return "bad gateway";
        case close_code::tls_handshake:
            return "TLS handshake";
        default:
            break;
    }
    if (code >= 3000 && code <= 3999) return "registered/library";
    if (code >= 4000 && code <= 4999) return "application";
    return {};
}

}  // namespace wire::websocket
