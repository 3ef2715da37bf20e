// The portable SHA-1 block function, written to be read beside FIPS 180-4 §6.1.2.
#include "crypto/detail/endian.hpp"
#include "crypto/detail/sha1_blocks.hpp"

namespace wire::crypto::detail {
namespace {

// ROTL^n(x), FIPS 180-4 §3.2.
constexpr std::uint32_t rotl(std::uint32_t x, int n) noexcept {
    return (x << n) | (x >> (32 - n));
}

// The round functions f_t and constants K_t, FIPS 180-4 §4.1.1 and §4.2.1.
constexpr std::uint32_t ch(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return (x & y) ^ (~x & z);  // 0 <= t <= 19
}
constexpr std::uint32_t parity(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return x ^ y ^ z;  // 20 <= t <= 39 and 60 <= t <= 79
}
constexpr std::uint32_t maj(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return (x & y) ^ (x & z) ^ (y & z);  // 40 <= t <= 59
}

void compress(Sha1State& h, const std::uint8_t* block) noexcept {
    // Step 1: prepare the message schedule W_0..W_79.
    std::uint32_t w[80];
    for (int t = 0; t < 16; ++t)
        w[t] = load_be32(block + 4 * t);
    for (int t = 16; t < 80; ++t)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    // Step 2: initialise the working variables with the previous hash value.
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

    // Step 3: eighty rounds.
    for (int t = 0; t < 80; ++t) {
        std::uint32_t f = 0, k = 0;
        if (t < 20) {
            f = ch(b, c, d), k = 0x5a827999;
        } else if (t < 40) {
            f = parity(b, c, d), k = 0x6ed9eba1;
        } else if (t < 60) {
            f = maj(b, c, d), k = 0x8f1bbcdc;
        } else {
            f = parity(b, c, d), k = 0xca62c1d6;
        }
        const std::uint32_t temp = rotl(a, 5) + f + e + k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    }

    // Step 4: the intermediate hash value H^(i).
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

}  // namespace

void sha1_blocks_portable(Sha1State& state, const std::uint8_t* blocks,
                          std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i)
        compress(state, blocks + 64 * i);
}

}  // namespace wire::crypto::detail
