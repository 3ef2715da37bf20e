// The frame header (RFC 6455 §5.2): encoded into a caller buffer, decoded from any prefix of bytes.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               |Masking-key, if MASK set to 1  |
//  +-------------------------------+-------------------------------+
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "websocket/error.hpp"
#include "websocket/opcode.hpp"

namespace wire::websocket {

// 2 fixed bytes + 8 bytes of 64-bit length + 4 bytes of masking key.
inline constexpr std::size_t max_header_size = 14;
// RFC 6455 §5.5: every control frame payload fits in the 7-bit length.
inline constexpr std::size_t max_control_payload = 125;

// The reserved bits as they sit in the first header byte; an extension claims some of them.
inline constexpr std::uint8_t rsv1 = 0x40;
inline constexpr std::uint8_t rsv2 = 0x20;
inline constexpr std::uint8_t rsv3 = 0x10;

struct FrameHeader {
    bool fin = true;
    std::uint8_t rsv = 0;  // the RSV bits, as rsv1 | rsv2 | rsv3
    Opcode opcode = Opcode::text;
    bool masked = false;
    std::uint64_t payload_length = 0;
    std::array<std::uint8_t, 4> mask_key{};
};

// Bytes the header of a frame with this payload length takes: 2, 4 or 10, plus 4 when masked.
[[nodiscard]] std::size_t header_size(std::uint64_t payload_length, bool masked) noexcept;

// Writes `h` with the minimal length encoding. Returns the bytes written, or 0 when `out` is too
// small (max_header_size always suffices).
[[nodiscard]] std::size_t encode_header(const FrameHeader& h, std::span<std::uint8_t> out) noexcept;

struct HeaderOptions {
    Role role =
        Role::server;  // who decodes: a server requires masked frames, a client forbids them
    std::uint8_t allowed_rsv = 0;  // RSV bits claimed by negotiated extensions (none by default)
};

enum class DecodeStatus : std::uint8_t { done, need_more, error };

struct HeaderResult {
    DecodeStatus status = DecodeStatus::need_more;
    std::size_t consumed = 0;  // header bytes, when done
    std::error_code error;     // when error
};

// Decodes the header at the start of `in`. Stateless: on need_more nothing is consumed and the
// caller presents the same bytes again with more after them, so any split of the input works.
// Checks run as soon as the byte they need has arrived (fail fast).
[[nodiscard]] HeaderResult decode_header(std::span<const std::uint8_t> in,
                                         const HeaderOptions& options, FrameHeader& out) noexcept;

}  // namespace wire::websocket
