#include "websocket/envelope.hpp"

namespace wire::websocket {

std::array<std::uint8_t, envelope_header_size> encode_envelope_header(std::uint64_t origin,
                                                                      Opcode opcode) noexcept {
    std::array<std::uint8_t, envelope_header_size> h{};
    h[0] = envelope_version;
    for (int i = 0; i < 8; ++i)
        h[static_cast<std::size_t>(1 + i)] = static_cast<std::uint8_t>(origin >> (56 - 8 * i));
    h[9] = static_cast<std::uint8_t>(opcode);
    return h;
}

bool decode_envelope(std::span<const std::uint8_t> bytes, Envelope& out) noexcept {
    // Too short or of another version: not ours to interpret.
    if (bytes.size() < envelope_header_size || bytes[0] != envelope_version) return false;
    std::uint64_t origin = 0;
    for (std::size_t i = 1; i <= 8; ++i)
        origin = (origin << 8) | bytes[i];
    const auto op = static_cast<Opcode>(bytes[9]);
    // Only data messages travel between instances (RFC 6455 §5.6).
    if (op != Opcode::text && op != Opcode::binary) return false;
    out = {origin, op, bytes.subspan(envelope_header_size)};
    return true;
}

}  // namespace wire::websocket
