// Fast skipping over runs of ordinary bytes in the head parser's two hottest loops: field
// values and field names (and find_byte, for the request's short target and path). Each function
// returns the first byte that is NOT plain, and the caller's exact table-driven code then decides
// what that byte means; so these are only an acceleration and never change what is accepted.
//
// On x86-64, SSE2 is part of the base instruction set, so 16 bytes are classified per step
// with no special compiler flag; elsewhere a portable 8-byte SWAR loop or the byte loop runs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/detail/chars.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace wire::http::detail {

// The byte loop both versions below end with: stops at anything outside 0x20..0x7e.
inline const char* skip_plain_value_bytes(const char* p, const char* end) noexcept {
    while (p < end && static_cast<unsigned char>(*p) >= 0x20 &&
           static_cast<unsigned char>(*p) < 0x7f) {
        ++p;
    }
    return p;
}

// Portable version, 8 bytes per step (SWAR: "SIMD within a register"). For each byte b, a
// high bit appears in (b - 0x20) when b < 0x20, in (b + 1) when b >= 0x7f, and in b itself when
// b >= 0x80; borrows and carries only disturb lanes above a flagged one, so "any high bit set"
// is exact.
inline const char* skip_plain_value_swar(const char* p, const char* end) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (end - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        if (((x - ones * 0x20) | (x + ones) | x) & highs) break;
        p += 8;
    }
    return skip_plain_value_bytes(p, end);
}

// First byte in [p, end) outside VCHAR / SP (0x20..0x7e). HTAB, CR, LF, controls, DEL and
// obs-text stop it; the caller looks at that byte with is_field_value().
inline const char* skip_plain_value(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi8(0x20);
    const __m128i del = _mm_set1_epi8(0x7f);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        // Signed compare: bytes 0x80..0xff are negative, so "< 0x20" catches them too.
        const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, below), _mm_cmpeq_epi8(v, del));
        const int mask = _mm_movemask_epi8(bad);
        if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
    return skip_plain_value_bytes(p, end);
#else
    return skip_plain_value_swar(p, end);
#endif
}

// First byte in [p, end) that is not a tchar (RFC 9110 §5.6.2).
inline const char* skip_token(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
    // Fast path for the usual names: ALPHA, DIGIT and "-". Any other byte (":" included)
    // ends the fast scan and the table decides.
    const __m128i lower = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i l = _mm_or_si128(v, lower);
        const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                                            _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
        const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        const __m128i dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
        const int ok = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(alpha, digit), dash));
        if (ok != 0xffff) {
            p += __builtin_ctz(~static_cast<unsigned>(ok));
            break;
        }
        p += 16;
    }
#endif
    while (p < end && is_token(*p))
        ++p;
    return p;
}

// The index of the first `c` in `s`, or npos: string_view::find(c) without the call to memchr,
// which costs more than the whole search in the short targets and paths of most requests.
inline std::size_t find_byte(std::string_view s, char c, std::size_t from = 0) noexcept {
    const char* const begin = s.data();
    const char* const end = begin + s.size();
    const char* p = begin + std::min(from, s.size());
#if defined(__SSE2__)
    const __m128i want = _mm_set1_epi8(c);
    while (end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(v, want));
        if (mask != 0)
            return static_cast<std::size_t>(p - begin) +
                   static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        p += 16;
    }
#endif
    for (; p < end; ++p) {
        if (*p == c) return static_cast<std::size_t>(p - begin);
    }
    return std::string_view::npos;
}

}  // namespace wire::http::detail
