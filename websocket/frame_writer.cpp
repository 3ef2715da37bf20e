#include "websocket/frame_writer.hpp"

#include <cstring>

#include "websocket/close.hpp"

namespace wire::websocket {

std::size_t frame_size(std::uint64_t payload_length, bool masked) noexcept {
    return header_size(payload_length, masked) + static_cast<std::size_t>(payload_length);
}

FrameHeader make_header(Opcode op, bool fin, Role role, const MaskKey& key,
                        std::uint8_t rsv) noexcept {
    FrameHeader h;
    h.fin = fin;
    h.rsv = rsv;
    h.opcode = op;
    h.masked = role == Role::client;
    if (h.masked) h.mask_key = key;
    return h;
}

EncodeResult encode_frame(const FrameHeader& h, std::span<const std::uint8_t> payload,
                          std::span<std::uint8_t> out) noexcept {
    // The same rules the reader enforces, so we never send what a peer must reject.
    if (is_reserved_opcode(static_cast<std::uint8_t>(h.opcode))) return {0, Error::reserved_opcode};
    if (is_control(h.opcode)) {
        if (!h.fin) return {0, Error::control_frame_fragmented};  // §5.5
        if (payload.size() > max_control_payload)
            return {0, Error::control_frame_too_long};  // §5.5
    }
    FrameHeader header = h;
    header.payload_length = payload.size();
    if (out.size() < frame_size(payload.size(), h.masked)) return {0, Error::buffer_too_small};
    const std::size_t n = encode_header(header, out);
    if (h.masked) {
        mask_copy(payload, out.data() + n, h.mask_key);
    } else if (!payload.empty()) {
        std::memcpy(out.data() + n, payload.data(), payload.size());
    }
    return {n + payload.size(), {}};
}

EncodeResult encode_close_frame(std::uint16_t code, std::string_view reason, Role role,
                                const MaskKey& key, std::span<std::uint8_t> out) noexcept {
    std::uint8_t payload[max_control_payload];
    std::error_code ec;
    const std::size_t n = encode_close_payload(code, reason, payload, ec);
    if (ec) return {0, ec};
    return encode_frame(make_header(Opcode::close, true, role, key), {payload, n}, out);
}

}  // namespace wire::websocket
