// The fast Base64 codec: the same answers as base64_plain.cpp, with bigger tables.
//   encode: a 4096-entry table maps 12 input bits to two output characters, so six input
//           bytes (one 64-bit load) become eight characters with four lookups.
//   decode: four 256-entry tables hold each character's 6 bits already shifted into place
//           (and a high "invalid" flag), so a quantum is four lookups ORed together, and eight
//           characters are checked with one test. Anything unusual (padding, a bad byte, the
//           last few characters) is left to the plain decoder, which finds the exact error.
#include <array>
#include <cstring>

#include "crypto/detail/base64_codec.hpp"
#include "crypto/detail/base64_tables.hpp"
#include "crypto/detail/endian.hpp"

namespace wire::crypto::detail {
namespace {

using base64::DecodeResult;
using base64::Encoding;

using PairTable = std::array<std::array<char, 2>, 4096>;

constexpr PairTable make_pair_table(const char* chars) {
    PairTable t{};
    for (std::size_t v = 0; v < 4096; ++v)
        t[v] = {chars[v >> 6], chars[v & 63]};
    return t;
}

constexpr PairTable std_pairs = make_pair_table(base64_std_chars);
constexpr PairTable url_pairs = make_pair_table(base64_url_chars);

// shifted[k][c]: the value of character c placed as the k-th character of a 24-bit quantum,
// or a flag above bit 23 when c is not in the alphabet.
constexpr std::uint32_t invalid_flag = 0xff000000;
using ShiftedTables = std::array<std::array<std::uint32_t, 256>, 4>;

constexpr ShiftedTables make_shifted(const Base64DecodeTable& plain) {
    ShiftedTables t{};
    for (std::size_t k = 0; k < 4; ++k) {
        for (std::size_t c = 0; c < 256; ++c) {
            const std::uint32_t v = plain[c];
            t[k][c] = v == base64_invalid ? invalid_flag : v << (18 - 6 * k);
        }
    }
    return t;
}

constexpr ShiftedTables std_shifted = make_shifted(base64_std_decode);
constexpr ShiftedTables url_shifted = make_shifted(base64_url_decode);

inline void put_pair(char* out, const PairTable& pairs, std::uint64_t bits12) noexcept {
    std::memcpy(out, pairs[bits12 & 0xfff].data(), 2);
}

inline std::uint32_t quantum(const ShiftedTables& t, const unsigned char* s) noexcept {
    return t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]];
}

// The final quantum, when it is plainly well formed: two or three characters of the alphabet,
// then exactly the padding the encoding asks for, and zero unused bits (RFC 4648 §3.2, §3.5).
// Anything else returns false, and the plain decoder decides (and names the error).
bool final_quantum(const ShiftedTables& t, const unsigned char* s, std::size_t left, Encoding enc,
                   std::uint8_t* d, std::size_t& w) noexcept {
    std::size_t chars = left;
    if (enc.padded) {
        if (left != 4) return false;
        chars = s[3] != '=' ? 4 : s[2] != '=' ? 3 : 2;
    }
    if (chars != 2 && chars != 3) return false;
    const std::uint32_t q = t[0][s[0]] | t[1][s[1]] | (chars == 3 ? t[2][s[2]] : 0);
    const std::uint32_t unused = chars == 3 ? 0xff : 0xffff;
    if (q & (invalid_flag | unused)) return false;
    d[w++] = static_cast<std::uint8_t>(q >> 16);
    if (chars == 3) d[w++] = static_cast<std::uint8_t>(q >> 8);
    return true;
}

}  // namespace

std::size_t base64_encode_fast(std::span<const std::uint8_t> in, char* out, Encoding enc) noexcept {
    const PairTable& pairs = enc.alphabet == base64::Alphabet::url ? url_pairs : std_pairs;
    const std::uint8_t* p = in.data();
    std::size_t i = 0, o = 0;
    // Six bytes per step; the 64-bit load reads two bytes more, so stop 8 bytes from the end.
    for (; i + 8 <= in.size(); i += 6, o += 8) {
        const std::uint64_t v = load_be64(p + i) >> 16;  // the 48 bits of six bytes
        put_pair(out + o, pairs, v >> 36);
        put_pair(out + o + 2, pairs, v >> 24);
        put_pair(out + o + 4, pairs, v >> 12);
        put_pair(out + o + 6, pairs, v);
    }
    for (; i + 3 <= in.size(); i += 3, o += 4) {
        const std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
        put_pair(out + o, pairs, v >> 12);
        put_pair(out + o + 2, pairs, v);
    }
    return o + base64_encode_plain(in.subspan(i), out + o, enc);
}

DecodeResult base64_decode_fast(std::string_view in, std::span<std::uint8_t> out,
                                Encoding enc) noexcept {
    const ShiftedTables& t = enc.alphabet == base64::Alphabet::url ? url_shifted : std_shifted;
    const auto* s = reinterpret_cast<const unsigned char*>(in.data());
    std::uint8_t* d = out.data();
    std::size_t i = 0, w = 0;
    // Two quanta per step: eight characters in, six bytes out, stored with one 64-bit write
    // whose last two bytes the next step overwrites. Stop while 8 bytes still fit in `out`;
    // the plain decoder finishes the last quanta (and the padding, and any error).
    for (; i + 8 <= in.size() && w + 8 <= out.size(); i += 8, w += 6) {
        const std::uint32_t a = quantum(t, s + i), b = quantum(t, s + i + 4);
        if ((a | b) & invalid_flag) break;  // '=' or a bad byte: the plain decoder takes over
        store_be64(d + w, (std::uint64_t{a} << 24 | b) << 16);
    }
    // Then single quanta up to the last one (a complete quantum always fits: decoded_size).
    for (; i + 4 <= in.size(); i += 4, w += 3) {
        const std::uint32_t q = quantum(t, s + i);
        if (q & invalid_flag) break;
        d[w] = static_cast<std::uint8_t>(q >> 16);
        d[w + 1] = static_cast<std::uint8_t>(q >> 8);
        d[w + 2] = static_cast<std::uint8_t>(q);
    }
    const std::size_t left = in.size() - i;
    if (left == 0 || final_quantum(t, s + i, left, enc, d, w)) return {w, {}, 0};
    return base64_decode_plain(in, out, enc, i, w);
}

}  // namespace wire::crypto::detail
