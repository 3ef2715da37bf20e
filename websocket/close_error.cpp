#include "websocket/close_error.hpp"

#include "websocket/close.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

namespace {

class CloseCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "websocket.close"; }
    std::string message(int value) const override {
        std::string out = "close " + std::to_string(value);
        const std::string_view name = close_code_name(static_cast<std::uint16_t>(value));
        if (!name.empty()) out.append(" (").append(name).append(")");
        return out;
    }
};

}  // namespace

const std::error_category& close_category() noexcept {
    static const CloseCategory category;
    return category;
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
