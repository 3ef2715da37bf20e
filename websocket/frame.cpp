#include "websocket/frame.hpp"

namespace wire::websocket {

namespace {

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kRsvBits = 0x70;
constexpr std::uint8_t kOpcodeBits = 0x0F;
constexpr std::uint8_t kMask = 0x80;
constexpr std::uint8_t kLen7 = 0x7F;
constexpr std::uint8_t kLen16 = 126;  // 7-bit length values that announce an extended length
constexpr std::uint8_t kLen64 = 127;

std::uint64_t load_be(const std::uint8_t* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i)
        v = (v << 8) | p[i];
    return v;
}

void store_be(std::uint8_t* p, std::uint64_t v, std::size_t n) noexcept {
    for (std::size_t i = n; i-- > 0;) {
        p[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

HeaderResult fail(Error e) noexcept {
    return {DecodeStatus::error, 0, make_error_code(e)};
}

// The checks that need only the first byte (RFC 6455 §5.2, §5.5).
std::error_code check_first_byte(std::uint8_t b0, const HeaderOptions& options) noexcept {
    const auto op = static_cast<std::uint8_t>(b0 & kOpcodeBits);
    // §5.2: RSV bits "MUST be 0 unless an extension is negotiated that defines meanings".
    if ((b0 & kRsvBits & ~options.allowed_rsv) != 0) return Error::reserved_bits_set;
    // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail_".
    if (is_reserved_opcode(op)) return Error::reserved_opcode;
    if (is_control(static_cast<Opcode>(op))) {
        // §5.5: "Control frames themselves MUST NOT be fragmented."
        if ((b0 & kFin) == 0) return Error::control_frame_fragmented;
    }
    return {};
}

// The checks that need the second byte too (RFC 6455 §5.5, §5.1).
std::error_code check_second_byte(std::uint8_t b0, std::uint8_t b1,
                                  const HeaderOptions& options) noexcept {
    if (is_control(static_cast<Opcode>(b0 & kOpcodeBits))) {
        // §5.5: "All control frames MUST have a payload length of 125 bytes or less".
        if ((b1 & kLen7) > max_control_payload) return Error::control_frame_too_long;
    }
    const bool masked = (b1 & kMask) != 0;
    // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
    if (options.role == Role::server && !masked) return Error::unmasked_client_frame;
    // §5.1: "A client MUST close a connection if it detects a masked frame."
    if (options.role == Role::client && masked) return Error::masked_server_frame;
    return {};
}

}  // namespace

std::size_t header_size(std::uint64_t payload_length, bool masked) noexcept {
    std::size_t n = 2;
    if (payload_length > 0xFFFF) {
        n += 8;
    } else if (payload_length >= kLen16) {
        n += 2;
    }
    return masked ? n + 4 : n;
}

std::size_t encode_header(const FrameHeader& h, std::span<std::uint8_t> out) noexcept {
    const std::size_t size = header_size(h.payload_length, h.masked);
    if (out.size() < size) return 0;
    std::uint8_t* p = out.data();
    p[0] = static_cast<std::uint8_t>((h.fin ? kFin : 0) | (h.rsv & kRsvBits) |
                                     (static_cast<std::uint8_t>(h.opcode) & kOpcodeBits));
    const std::uint8_t mask_bit = h.masked ? kMask : 0;
    std::size_t at = 2;
    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    if (h.payload_length < kLen16) {
        p[1] = static_cast<std::uint8_t>(mask_bit | h.payload_length);
    } else if (h.payload_length <= 0xFFFF) {
        p[1] = mask_bit | kLen16;
        store_be(p + 2, h.payload_length, 2);
        at = 4;
    } else {
        p[1] = mask_bit | kLen64;
        store_be(p + 2, h.payload_length, 8);
        at = 10;
    }
    if (h.masked) {
        for (std::size_t i = 0; i < 4; ++i)
            p[at + i] = h.mask_key[i];
    }
    return size;
}

HeaderResult decode_header(std::span<const std::uint8_t> in, const HeaderOptions& options,
                           FrameHeader& out) noexcept {
    // Step 1: the first byte alone can already be wrong (RSV, opcode, fragmented control).
    if (in.empty()) return {};
    const std::uint8_t b0 = in[0];
    if (auto ec = check_first_byte(b0, options)) return {DecodeStatus::error, 0, ec};
    if (in.size() < 2) return {};
    const std::uint8_t b1 = in[1];
    if (auto ec = check_second_byte(b0, b1, options)) return {DecodeStatus::error, 0, ec};

    // Step 2: the extended length, if announced, and the masking key.
    const bool masked = (b1 & kMask) != 0;
    const std::uint8_t len7 = b1 & kLen7;
    const std::size_t len_bytes = len7 == kLen64 ? 8 : len7 == kLen16 ? 2 : 0;
    const std::size_t size = 2 + len_bytes + (masked ? 4 : 0);
    if (in.size() < 2 + len_bytes) return {};
    std::uint64_t length = len7;
    if (len_bytes == 2) {
        length = load_be(in.data() + 2, 2);
        // §5.2: minimal encoding; 0-125 must use the 7-bit form.
        if (length < kLen16) return fail(Error::non_minimal_length);
    } else if (len_bytes == 8) {
        length = load_be(in.data() + 2, 8);
        // §5.2: "the most significant bit MUST be 0".
        if ((length >> 63) != 0) return fail(Error::length_too_large);
        // §5.2: minimal encoding; up to 65535 must use the 16-bit form.
        if (length <= 0xFFFF) return fail(Error::non_minimal_length);
    }
    if (in.size() < size) return {};

    // Step 3: everything is present and valid.
    out.fin = (b0 & kFin) != 0;
    out.rsv = b0 & kRsvBits;
    out.opcode = static_cast<Opcode>(b0 & kOpcodeBits);
    out.masked = masked;
    out.payload_length = length;
    out.mask_key = {};
    if (masked) {
        for (std::size_t i = 0; i < 4; ++i)
            out.mask_key[i] = in[2 + len_bytes + i];
    }
    return {DecodeStatus::done, size, {}};
}

}  // namespace wire::websocket
