// SHA-1 with the x86 SHA extensions. Each sha1rnds4 performs four rounds of FIPS 180-4 §6.1.2
// step 3; sha1msg1/sha1msg2 compute four words of the message schedule (step 1); sha1nexte
// derives the next E (ROTL^30 of the A four rounds back) and adds it to the next message words.
//
// Only these functions are compiled for SHA/SSE4.1/SSSE3 (a target attribute, no global -m
// flag), so the library still runs on CPUs without them; sha1.cpp calls here only after
// has_sha_ni() said yes.
#include "crypto/detail/sha1_blocks.hpp"

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <immintrin.h>

#define WIRE_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

namespace wire::crypto::detail {
namespace {

// Four message vectors, each holding W for four rounds, the earliest word in the top lane
// (the layout the SHA instructions expect).
struct Window {
    __m128i w0, w1, w2, w3;
};

// Rounds 4g..4g+3 with round function F (0: Ch, 1: Parity, 2: Maj, 3: Parity), then slide the
// window: e_w becomes E + W for the next group and w3 receives the schedule four groups ahead,
// W_t = ROTL^1(W_t-3 ^ W_t-8 ^ W_t-14 ^ W_t-16) (the unused last few are optimised away).
template <int F>
WIRE_SHA_TARGET inline void four_rounds(__m128i& abcd, __m128i& e_w, Window& w) noexcept {
    const __m128i before = abcd;
    abcd = _mm_sha1rnds4_epu32(abcd, e_w, F);
    e_w = _mm_sha1nexte_epu32(before, w.w1);
    const __m128i x = _mm_xor_si128(_mm_sha1msg1_epu32(w.w0, w.w1), w.w2);
    w = {w.w1, w.w2, w.w3, _mm_sha1msg2_epu32(x, w.w3)};
}

WIRE_SHA_TARGET void compress_all(Sha1State& state, const std::uint8_t* p,
                                  std::size_t count) noexcept {
    // Byte-reverse a whole vector: big-endian words land with W_t in the top lane.
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data())), 0x1b);
    __m128i e = _mm_set_epi32(static_cast<int>(state[4]), 0, 0, 0);

    for (std::size_t i = 0; i < count; ++i, p += 64) {
        const __m128i abcd_in = abcd, e_in = e;
        Window w;
        w.w0 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), reverse);
        w.w1 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), reverse);
        w.w2 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)), reverse);
        w.w3 = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)), reverse);

        __m128i e_w = _mm_add_epi32(e, w.w0);  // E + W_0 in the top lane, W_1..W_3 below
        for (int g = 0; g < 5; ++g)
            four_rounds<0>(abcd, e_w, w);  // rounds 0-19
        for (int g = 0; g < 5; ++g)
            four_rounds<1>(abcd, e_w, w);  // rounds 20-39
        for (int g = 0; g < 5; ++g)
            four_rounds<2>(abcd, e_w, w);  // rounds 40-59
        for (int g = 0; g < 4; ++g)
            four_rounds<3>(abcd, e_w, w);  // rounds 60-75
        const __m128i before = abcd;       // rounds 76-79
        abcd = _mm_sha1rnds4_epu32(abcd, e_w, 3);

        // Step 4: H += working variables. sha1nexte yields ROTL^30(A four rounds back) + E_in.
        e = _mm_sha1nexte_epu32(before, e_in);
        abcd = _mm_add_epi32(abcd, abcd_in);
    }

    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), _mm_shuffle_epi32(abcd, 0x1b));
    state[4] = static_cast<std::uint32_t>(_mm_extract_epi32(e, 3));
}

}  // namespace

void sha1_blocks_shani(Sha1State& state, const std::uint8_t* blocks, std::size_t count) noexcept {
    compress_all(state, blocks, count);
}

bool has_sha_ni() noexcept {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = (c & (1u << 9)) != 0, sse41 = (c & (1u << 19)) != 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool sha = (b & (1u << 29)) != 0;
    return sha && ssse3 && sse41;
}

}  // namespace wire::crypto::detail

#else  // not x86: no SHA-NI; keep the symbols so callers and tests link everywhere.

namespace wire::crypto::detail {

void sha1_blocks_shani(Sha1State& state, const std::uint8_t* blocks, std::size_t count) noexcept {
    sha1_blocks_portable(state, blocks, count);
}

bool has_sha_ni() noexcept {
    return false;
}

}  // namespace wire::crypto::detail

#endif
