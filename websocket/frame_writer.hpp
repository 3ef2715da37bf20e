// Frame encoding (RFC 6455 §5.2): a whole frame, header then payload, built in a caller buffer.
// A client masks a copy of the payload (§5.3) and never modifies the caller's bytes; a server
// sends the payload as it is, so it can also write the header alone (encode_header in frame.hpp)
// and send header and payload with one writev.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>

#include "websocket/frame.hpp"
#include "websocket/mask.hpp"

namespace wire::websocket {

// Header plus payload bytes of a frame.
[[nodiscard]] std::size_t frame_size(std::uint64_t payload_length, bool masked) noexcept;

struct EncodeResult {
    std::size_t written = 0;
    std::error_code error;
};

// Writes header `h` (its payload_length is taken from `payload`) and the payload, masked with
// h.mask_key when h.masked. Errors: reserved_opcode, control_frame_fragmented,
// control_frame_too_long (RFC 6455 §5.5), buffer_too_small.
[[nodiscard]] EncodeResult encode_frame(const FrameHeader& h, std::span<const std::uint8_t> payload,
                                        std::span<std::uint8_t> out) noexcept;

// The header an endpoint of `role` sends: a client masks with `key` (from crypto::fill_random,
// RFC 6455 §5.3), a server does not mask (§5.1).
[[nodiscard]] FrameHeader make_header(Opcode op, bool fin, Role role, const MaskKey& key = {},
                                      std::uint8_t rsv = 0) noexcept;

// A whole close frame (RFC 6455 §5.5.1): `code` and `reason` checked as encode_close_payload
// does (close.hpp), masked with `key` when `role` is client. close_code::no_status sends an
// empty body. At most max_header_size + 125 bytes.
[[nodiscard]] EncodeResult encode_close_frame(std::uint16_t code, std::string_view reason,
                                              Role role, const MaskKey& key,
                                              std::span<std::uint8_t> out) noexcept;

}  // namespace wire::websocket
