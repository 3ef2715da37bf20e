// The close status a connection ended with, as an error value (gorilla's *CloseError).
//
// A received close frame (RFC 6455 §5.5.1), or a connection that ended without one (1006,
// §7.1.5), ends every later read with a std::error_code in close_category() whose value is the
// status code: `ec.value() == 1000`. The reason text travels beside it in a CloseError, which
// Conn::close_error() returns. is_close_error and is_unexpected_close_error are gorilla's helpers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <system_error>

namespace wire::websocket {

// Category "websocket.close": value = close code; message "close 1001 (going away)".
const std::error_category& close_category() noexcept;

inline std::error_code make_close_error_code(std::uint16_t code) noexcept {
    return {code, close_category()};
}

struct CloseError {
    std::uint16_t code = 0;  // 0 while the connection has not been closed
    std::string text;        // the peer's reason, or what we observed (1006: "unexpected EOF")

    [[nodiscard]] std::error_code error_code() const noexcept {
        return make_close_error_code(code);
    }
    // "websocket: close 1000 (normal closure): bye"
    [[nodiscard]] std::string message() const;
};

// gorilla's IsCloseError: `ec` is a close status and its code is one of `codes`.
[[nodiscard]] bool is_close_error(std::error_code ec,
                                  std::initializer_list<std::uint16_t> codes) noexcept;
// gorilla's IsUnexpectedCloseError: `ec` is a close status whose code is NOT in `expected`.
[[nodiscard]] bool is_unexpected_close_error(
    std::error_code ec, std::initializer_list<std::uint16_t> expected) noexcept;

}  // namespace wire::websocket
