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

}  // namespace wire::websocket
