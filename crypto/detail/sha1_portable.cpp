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

    // Step 3: eighty rounds, T = ROTL^5(a) + f_t(b,c,d) + e + K_t + W_t, in four runs of
    // twenty that share f_t and K_t (written as four loops so no round tests t).
    auto round = [&](std::uint32_t f, std::uint32_t k, std::uint32_t w_t) {
        const std::uint32_t temp = rotl(a, 5) + f + e + k + w_t;
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
    };
    // Unrolled, the moves e = d, d = c, ... become register renaming (g++ 12 does not unroll
    // these loops by itself at -O2, and runs several times slower).
#pragma GCC unroll 20
    for (int t = 0; t < 20; ++t)
        round(ch(b, c, d), 0x5a827999, w[t]);
#pragma GCC unroll 20
    for (int t = 20; t < 40; ++t)
        round(parity(b, c, d), 0x6ed9eba1, w[t]);
#pragma GCC unroll 20
    for (int t = 40; t < 60; ++t)
        round(maj(b, c, d), 0x8f1bbcdc, w[t]);
#pragma GCC unroll 20
    for (int t = 60; t < 80; ++t)
        round(parity(b, c, d), 0xca62c1d6, w[t]);

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
