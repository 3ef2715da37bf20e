// Payload masking (RFC 6455 §5.3): octet i of the payload is XORed with octet (i mod 4) of the
// masking key. The same operation masks and unmasks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace wire::websocket {

using MaskKey = std::array<std::uint8_t, 4>;

// XORs `data` in place. `key_offset` is the position in the key of data[0] (payload bytes already
// unmasked, mod 4), so a payload that arrives across several reads is unmasked piece by piece.
// Returns the key offset for the byte after `data`. Works a machine word or vector at a time
// (AVX2 when the CPU has it, else SSE2 / 8-byte words).
std::size_t apply_mask(std::span<std::uint8_t> data, const MaskKey& key,
                       std::size_t key_offset = 0) noexcept;

// Writes src XOR key into dst (same length). dst may be src itself, or start before src inside
// the same buffer (a move towards the front: every kernel goes forward and loads each block before
// it stores it); any other overlap is not allowed. Used to mask a copy of an outgoing payload
// without touching the caller's bytes, and by bench/ceiling to unmask an echo into place.
std::size_t mask_copy(std::span<const std::uint8_t> src, std::uint8_t* dst, const MaskKey& key,
                      std::size_t key_offset = 0) noexcept;

}  // namespace wire::websocket
