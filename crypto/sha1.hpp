// SHA-1 (FIPS 180-4 §6.1; RFC 3174).
//
// SHA-1 is BROKEN for security: chosen-prefix collisions are practical (SHAttered 2017,
// "SHA-1 is a Shambles" 2020). Never use it for signatures, certificates or password storage.
// wire computes it for one reason only: RFC 6455 §4.2.2 defines Sec-WebSocket-Accept as
// base64(SHA-1(Sec-WebSocket-Key + GUID)), where it serves as a fingerprint, not as a defence.
//
// Shape after Go's crypto/sha1: a small state with update() and finish(), plus one-shot helpers.
// The block function is chosen once at run time: x86 SHA extensions (SHA-NI) when the CPU has
// them, else the portable reference code (crypto/detail/sha1_blocks.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace wire::crypto {

inline constexpr std::size_t sha1_digest_size = 20;  // 160 bits
inline constexpr std::size_t sha1_block_size = 64;   // 512 bits

using Sha1Digest = std::array<std::uint8_t, sha1_digest_size>;

// A streaming SHA-1. Feed bytes in any number of update() calls of any size; finish() returns
// the digest and resets the state, so the object can hash the next message. No heap, ~100 bytes.
class Sha1 {
  public:
    Sha1() noexcept { reset(); }

    void update(std::span<const std::uint8_t> data) noexcept;
    void update(std::string_view data) noexcept;

    // Pads the message (FIPS 180-4 §5.1.1), returns H0..H4 as 20 big-endian bytes, and resets.
    [[nodiscard]] Sha1Digest finish() noexcept;

    // Starts a new message with the initial hash value of FIPS 180-4 §5.3.1.
    void reset() noexcept;

  private:
    std::array<std::uint32_t, 5> state_;
    std::array<std::uint8_t, sha1_block_size> block_;  // a partial block waiting for more bytes
    std::size_t buffered_;                             // bytes used in block_
    std::uint64_t length_;                             // message length so far, in bytes
};

// One-shot digests.
[[nodiscard]] Sha1Digest sha1(std::span<const std::uint8_t> data) noexcept;
[[nodiscard]] Sha1Digest sha1(std::string_view data) noexcept;

}  // namespace wire::crypto
