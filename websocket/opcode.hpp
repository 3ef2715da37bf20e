// Frame opcodes (RFC 6455 §5.2, §11.8) and the roles an endpoint plays.
#pragma once

#include <cstdint>

namespace wire::websocket {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// RFC 6455 §5.5: opcodes with the high bit set (0x8-0xF) are control frames.
constexpr bool is_control(Opcode op) noexcept {
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

// RFC 6455 §5.2: 0x3-0x7 and 0xB-0xF are reserved for future non-control and control frames.
constexpr bool is_reserved_opcode(std::uint8_t op) noexcept {
    return (op >= 0x3 && op <= 0x7) || op >= 0xB;
}

// Which side of the connection this endpoint is. A server decodes client frames (which must be
// masked); a client decodes server frames (which must not be), RFC 6455 §5.1.
enum class Role : std::uint8_t { server, client };

}  // namespace wire::websocket
