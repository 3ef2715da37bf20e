#include "websocket/close_error.hpp"

#include "websocket/close.hpp"

namespace wire::websocket {

namespace {

class CloseCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "websocket.close"; }
    std::string message(int value) const override {
        std::string out = "close " + std::to_string(value);
        const char* name = close_code_name(static_cast<std::uint16_t>(value));
        if (*name != '\0') out.append(" (").append(name).append(")");
        return out;
    }
};

}  // namespace

const std::error_category& close_category() noexcept {
    static const CloseCategory category;
    return category;
}

const char* close_code_name(std::uint16_t code) noexcept {
    switch (code) {
        case close_code::normal:
            return "normal";
        case close_code::going_away:
            return "going away";
        case close_code::protocol_error:
            return "protocol error";
        case close_code::unsupported_data:
            return "unsupported data";
        case close_code::no_status:
            return "no status";
        case close_code::abnormal:
            return "abnormal closure";
        case close_code::invalid_payload:
            return "invalid payload data";
        case close_code::policy_violation:
            return "policy violation";
        case close_code::message_too_big:
            return "message too big";
        case close_code::mandatory_extension:
            return "mandatory extension missing";
        case close_code::internal_error:
            return "internal server error";
        case close_code::service_restart:
            return "service restart";
        case close_code::try_again_later:
            return "try again later";
        case close_code::bad_gateway:
            return "bad gateway";
        case close_code::tls_handshake:
            return "TLS handshake error";
        default:
            return "";
    }
}

std::string CloseError::message() const {
    std::string out = "websocket: " + error_code().message();
    if (!text.empty()) out.append(": ").append(text);
    return out;
}

bool is_close_error(std::error_code ec, std::initializer_list<std::uint16_t> codes) noexcept {
    if (ec.category() != close_category()) return false;
    for (const std::uint16_t c : codes) {
        if (ec.value() == c) return true;
    }
    return false;
}

bool is_unexpected_close_error(std::error_code ec,
                               std::initializer_list<std::uint16_t> expected) noexcept {
    return ec.category() == close_category() && !is_close_error(ec, expected);
}

}  // namespace wire::websocket
