// CRC-32 by carry-less multiplication (PCLMULQDQ), after Intel's "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009).
//
// A CRC is the remainder modulo P(x), and remainders add: shifting a 128-bit block of the
// message forward by D bits is the same, modulo P, as multiplying it by x^D mod P, a 32-bit
// constant. So instead of dividing bit by bit, we keep four 128-bit accumulators, and for each
// 64 new bytes multiply every accumulator by the constant that moves it 512 bits forward and
// XOR the product into the next block ("folding"). At the end the four fold into one 16-byte
// value with the same remainder as everything read, and the table code finishes those 16 bytes
// and the tail. One multiplication handles 64 bits; the table handles 8 per lookup.
//
// Only this file is compiled for PCLMULQDQ (a target attribute, no global -m flag), so the
// library still runs on CPUs without it; checksum.cpp calls here only after has_pclmul() said yes.
#include "compress/detail/crc32.hpp"

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

#define WIRE_CLMUL_TARGET __attribute__((target("pclmul,sse2")))

namespace wire::compress::detail {
namespace {

// x^n mod P as a folding constant. The lanes hold reflected polynomials, and the product of two
// reflected numbers comes out reflected in 127 bits, one short of the 128-bit lane, so each
// constant is stored reflected and shifted left by one (a 33-bit number).
constexpr std::uint64_t fold_constant(int n) noexcept {
    std::uint32_t r = 1;  // x^0, unreflected: bit i is the coefficient of x^i
    for (int i = 0; i < n; ++i)
        r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
    std::uint32_t reflected = 0;
    for (int i = 0; i < 32; ++i)
        reflected |= ((r >> i) & 1u) << (31 - i);
    return std::uint64_t{reflected} << 1;
}

// Moving a lane D bits forward multiplies its first 8 bytes (the higher powers, as bits arrive
// least significant first) by x^(D+32) mod P and its last 8 bytes by x^(D-32) mod P; the 32
// is the x^32 that the CRC's definition multiplies the message by.
constexpr long long k_512_low = static_cast<long long>(fold_constant(512 + 32));
constexpr long long k_512_high = static_cast<long long>(fold_constant(512 - 32));
constexpr long long k_128_low = static_cast<long long>(fold_constant(128 + 32));
constexpr long long k_128_high = static_cast<long long>(fold_constant(128 - 32));
static_assert(fold_constant(512 + 32) == 0x154442bd4, "the constant Intel's paper lists as k1");

WIRE_CLMUL_TARGET inline __m128i load(const std::uint8_t* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// x * x^D mod P, as a 128-bit value with the same remainder: two 64x33-bit products.
WIRE_CLMUL_TARGET inline __m128i fold(__m128i x, __m128i k) noexcept {
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

// Needs n >= 64.
WIRE_CLMUL_TARGET std::uint32_t fold_all(std::uint32_t reg, const std::uint8_t* p,
                                         std::size_t n) noexcept {
    // The register meets the first four bytes, as in the table method; from here on the
    // accumulators carry it.
    __m128i x0 = _mm_xor_si128(load(p), _mm_cvtsi32_si128(static_cast<int>(reg)));
    __m128i x1 = load(p + 16), x2 = load(p + 32), x3 = load(p + 48);
    p += 64;
    n -= 64;

    const __m128i k512 = _mm_set_epi64x(k_512_high, k_512_low);
    for (; n >= 64; n -= 64, p += 64) {
        x0 = _mm_xor_si128(fold(x0, k512), load(p));
        x1 = _mm_xor_si128(fold(x1, k512), load(p + 16));
        x2 = _mm_xor_si128(fold(x2, k512), load(p + 32));
        x3 = _mm_xor_si128(fold(x3, k512), load(p + 48));
    }

    // Four lanes into one, then the remaining whole 16-byte blocks.
    const __m128i k128 = _mm_set_epi64x(k_128_high, k_128_low);
    __m128i x = _mm_xor_si128(fold(x0, k128), x1);
    x = _mm_xor_si128(fold(x, k128), x2);
    x = _mm_xor_si128(fold(x, k128), x3);
    for (; n >= 16; n -= 16, p += 16)
        x = _mm_xor_si128(fold(x, k128), load(p));

    // x now has the remainder of everything read: as if its 16 bytes alone had gone through an
    // empty register. The tables finish them, then the last n < 16 bytes.
    alignas(16) std::uint8_t rest[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(rest), x);
    return crc32_register_tables(crc32_register_tables(0, rest, 16), p, n);
}

}  // namespace

std::uint32_t crc32_register_pclmul(std::uint32_t reg, const std::uint8_t* p,
                                    std::size_t n) noexcept {
    // Below a few blocks the set-up costs more than the tables take.
    if (n < 128) return crc32_register_tables(reg, p, n);
    return fold_all(reg, p, n);
}

bool has_pclmul() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    return (c & (1u << 1)) != 0;  // CPUID.1:ECX bit 1, PCLMULQDQ
}

}  // namespace wire::compress::detail

#else  // not x86: no PCLMULQDQ; keep the symbols so callers and tests link everywhere.

namespace wire::compress::detail {

std::uint32_t crc32_register_pclmul(std::uint32_t reg, const std::uint8_t* p,
                                    std::size_t n) noexcept {
    return crc32_register_tables(reg, p, n);
}

bool has_pclmul() noexcept {
    return false;
}

}  // namespace wire::compress::detail

#endif
