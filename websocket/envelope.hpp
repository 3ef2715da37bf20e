// The envelope a Hub wraps around a message it sends to other instances through a Backplane:
// a compact binary header, then the payload as it is.
//
//   byte 0      version, 1
//   bytes 1-8   the origin instance's id, big-endian (random per Hub: Hub::instance_id)
//   byte 9      the opcode, text (1) or binary (2) (RFC 6455 §5.2)
//   bytes 10-   the payload
//
// The id lets the origin recognise its own message when the backplane brings it back, so that
// its subscribers get it once (they had it locally already).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "websocket/opcode.hpp"

namespace wire::websocket {

inline constexpr std::uint8_t envelope_version = 1;
inline constexpr std::size_t envelope_header_size = 10;

struct Envelope {
    std::uint64_t origin = 0;
    Opcode opcode = Opcode::binary;
    std::span<const std::uint8_t> payload;  // a view of the bytes decoded
};

[[nodiscard]] std::array<std::uint8_t, envelope_header_size> encode_envelope_header(
    std::uint64_t origin, Opcode opcode) noexcept;
// False for bytes that are no envelope of this version (too short, another version, an opcode
// that is not text or binary): a Hub drops them.
[[nodiscard]] bool decode_envelope(std::span<const std::uint8_t> bytes, Envelope& out) noexcept;

}  // namespace wire::websocket
