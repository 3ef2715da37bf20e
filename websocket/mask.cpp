#include "websocket/mask.hpp"

#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace wire::websocket {

namespace {

// The key rotated so that byte 0 of the next input lines up with rotated[0], repeated to fill a
// 32-byte vector: every block of the input then XORs with the same pattern.
struct KeyPattern {
    alignas(32) std::uint8_t bytes[32];
};

// Built a word at a time: a byte loop here cost more than unmasking a 16-byte message.
KeyPattern make_pattern(const MaskKey& key, std::size_t offset) noexcept {
    std::uint32_t word;
    std::memcpy(&word, key.data(), 4);
    // Rotate so that the byte in memory order first is key[offset].
    const int shift = static_cast<int>(offset & 3) * 8;
    if constexpr (std::endian::native == std::endian::little) {
        word = std::rotr(word, shift);
    } else {
        word = std::rotl(word, shift);
    }
    KeyPattern p;
    for (std::size_t i = 0; i < sizeof p.bytes; i += 4)
        std::memcpy(p.bytes + i, &word, 4);
    return p;
}

// Portable path: 8 bytes at a time through memcpy (compiles to plain unaligned loads and stores).
std::size_t xor_words(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                      const KeyPattern& p) noexcept {
    std::uint64_t k;
    std::memcpy(&k, p.bytes, 8);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= k;
        std::memcpy(dst + i, &w, 8);
    }
    return i;
}

#if defined(__x86_64__)
// SSE2 is part of x86-64, so this path needs no check.
std::size_t xor_sse2(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                     const KeyPattern& p) noexcept {
    const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(p.bytes));
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        for (std::size_t j = 0; j < 64; j += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + j));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + j), _mm_xor_si128(v, k));
        }
    }
    for (; i + 16 <= n; i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(v, k));
    }
    return i;
}

__attribute__((target("avx2"))) std::size_t xor_avx2(const std::uint8_t* src, std::uint8_t* dst,
                                                     std::size_t n, const KeyPattern& p) noexcept {
    const __m256i k = _mm256_load_si256(reinterpret_cast<const __m256i*>(p.bytes));
    std::size_t i = 0;
    for (; i + 128 <= n; i += 128) {
        for (std::size_t j = 0; j < 128; j += 32) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + j));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + j), _mm256_xor_si256(v, k));
        }
    }
    for (; i + 32 <= n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(v, k));
    }
    return i;
}

using Kernel = std::size_t (*)(const std::uint8_t*, std::uint8_t*, std::size_t,
                               const KeyPattern&) noexcept;

// Chosen once, at first use: AVX2 when the CPU has it (runtime dispatch), else SSE2.
Kernel pick_kernel() noexcept {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? xor_avx2 : xor_sse2;
}
#endif

std::size_t xor_bulk(const std::uint8_t* src, std::uint8_t* dst, std::size_t n,
                     const KeyPattern& p) noexcept {
    // Short inputs (most control frames and small messages) skip the vector set-up.
    if (n < 32) return xor_words(src, dst, n, p);
#if defined(__x86_64__)
    static const Kernel kernel = pick_kernel();
    const std::size_t done = kernel(src, dst, n, p);
    // The vector loop stops on a multiple of 16 bytes, so the key phase is unchanged here.
    return done + xor_words(src + done, dst + done, n - done, p);
#else
    return xor_words(src, dst, n, p);
#endif
}

}  // namespace

std::size_t mask_copy(std::span<const std::uint8_t> src, std::uint8_t* dst, const MaskKey& key,
                      std::size_t key_offset) noexcept {
    key_offset &= 3;
    const KeyPattern p = make_pattern(key, key_offset);
    const std::size_t n = src.size();
    // Every bulk block is a multiple of 4 bytes long, so the tail starts at the same key phase.
    std::size_t i = xor_bulk(src.data(), dst, n, p);
    for (; i < n; ++i)
        dst[i] = static_cast<std::uint8_t>(src[i] ^ p.bytes[i & 3]);
    return (key_offset + n) & 3;
}

std::size_t apply_mask(std::span<std::uint8_t> data, const MaskKey& key,
                       std::size_t key_offset) noexcept {
    return mask_copy(data, data.data(), key, key_offset);
}

}  // namespace wire::websocket
