// wire-explain sha1 TEXT: SHA-1 (FIPS 180-4 §6.1) computed in the open, for the curious: the
// padding, the message schedule and the 80 rounds of the first block.
//
// This is a second, deliberately plain SHA-1, written to be read and printed step by step, not
// to be fast; the library's own (crypto/sha1.hpp) computes the same digest, which is checked at
// the end. SHA-1 is broken for security: wire uses it only for Sec-WebSocket-Accept.
#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "crypto/sha1.hpp"
#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"

namespace wire::tools {
namespace {

using Block = std::array<std::uint8_t, 64>;
using State = std::array<std::uint32_t, 5>;

std::uint32_t rotl(std::uint32_t x, int n) {
    return (x << n) | (x >> (32 - n));
}

// FIPS 180-4 §5.1.1: append 0x80, zeros up to 56 mod 64, then the length in bits as 64 bits.
std::vector<std::uint8_t> pad(std::string_view message) {
    std::vector<std::uint8_t> m(message.begin(), message.end());
    m.push_back(0x80);
    while (m.size() % 64 != 56)
        m.push_back(0);
    const std::uint64_t bit_length = static_cast<std::uint64_t>(message.size()) * 8;
    for (int i = 7; i >= 0; --i)
        m.push_back(static_cast<std::uint8_t>(bit_length >> (8 * i)));
    return m;
}

// FIPS 180-4 §6.1.2 step 1: W[0..15] are the block's words, W[16..79] mix earlier ones.
std::array<std::uint32_t, 80> schedule(const std::uint8_t* block) {
    std::array<std::uint32_t, 80> w{};
    for (std::size_t t = 0; t < 16; ++t) {
        w[t] = static_cast<std::uint32_t>(block[4 * t]) << 24 |
               static_cast<std::uint32_t>(block[4 * t + 1]) << 16 |
               static_cast<std::uint32_t>(block[4 * t + 2]) << 8 | block[4 * t + 3];
    }
    for (std::size_t t = 16; t < 80; ++t)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    return w;
}

struct RoundFunction {
    const char* name;
    std::uint32_t k;  // FIPS 180-4 §4.2.1
};

// FIPS 180-4 §4.1.1: Ch for rounds 0-19, Parity 20-39, Maj 40-59, Parity 60-79.
RoundFunction function_of(std::size_t t) {
    if (t < 20) return {"Ch", 0x5a827999};
    if (t < 40) return {"Parity", 0x6ed9eba1};
    if (t < 60) return {"Maj", 0x8f1bbcdc};
    return {"Parity", 0xca62c1d6};
}

std::uint32_t f(std::size_t t, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
    if (t < 20) return (b & c) ^ (~b & d);
    if (t >= 40 && t < 60) return (b & c) ^ (b & d) ^ (c & d);
    return b ^ c ^ d;
}

// One block (FIPS 180-4 §6.1.2 steps 2-4), printing every round when `show` is set.
void compress(State& h, const std::uint8_t* block, bool show, std::ostream& out) {
    const auto w = schedule(block);
    if (show) {
        out << "message schedule W (FIPS 180-4 §6.1.2 step 1):\n"
               "  W[0..15] are the block's 16 big-endian words; W[t] = ROTL1(W[t-3] ^ W[t-8] ^ "
               "W[t-14] ^ W[t-16])\n";
        for (std::size_t t = 0; t < 80; t += 8) {
            std::string line = "  W[" + std::to_string(t) + "..]";
            line.resize(10, ' ');
            for (std::size_t i = t; i < t + 8; ++i)
                line += ' ' + hex_word(w[i]);
            out << line << '\n';
        }
        out << "\nrounds (§6.1.2 step 3): T = ROTL5(a) + f(b,c,d) + e + K + W[t];\n"
               "  e = d; d = c; c = ROTL30(b); b = a; a = T   (all additions mod 2^32)\n"
               "   t  f       K        a        b        c        d        e\n";
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (std::size_t t = 0; t < 80; ++t) {
        const RoundFunction fn = function_of(t);
        const std::uint32_t temp = rotl(a, 5) + f(t, b, c, d) + e + fn.k + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = temp;
        if (show) {
            std::string line = std::to_string(t);
            line.insert(0, 4 - line.size(), ' ');
            line += "  ";
            line += fn.name;
            line.resize(14, ' ');
            line += hex_word(fn.k);
            for (const std::uint32_t v : {a, b, c, d, e})
                line += ' ' + hex_word(v);
            out << line << '\n';
        }
    }
    // Step 4: add this block's result to the running hash value.
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

std::string state_hex(const State& h) {
    std::string s;
    for (const std::uint32_t v : h)
        s += (s.empty() ? "" : " ") + hex_word(v);
    return s;
}

}  // namespace

int explain_sha1(Args args, std::ostream& out) {
    if (args.size() > 1) {
        out << "usage: wire-explain sha1 TEXT   (quote TEXT with spaces: sha1 \"a b\")\n";
        return 2;
    }
    const std::string_view message = args.empty() ? std::string_view() : args[0];
    out << "message: \"" << escape(message) << "\" (" << message.size()
        << " bytes = " << message.size() * 8 << " bits)\n\n";

    const std::vector<std::uint8_t> m = pad(message);
    const std::size_t blocks = m.size() / 64;
    out << "padding (FIPS 180-4 §5.1.1): the message, one 1 bit (0x80), zeros up to 56 mod 64\n"
           "bytes, then the length in bits as a 64-bit big-endian number: "
        << blocks << (blocks == 1 ? " block" : " blocks") << " of 64 bytes\n";
    for (std::size_t i = 0; i < 64; i += 16) {
        out << "  " << hex_bytes(std::span(m).subspan(i, 16)) << '\n';
    }
    if (blocks > 1) out << "  (the first block; " << blocks - 1 << " more follow)\n";

    State h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    out << "\ninitial hash value H0..H4 (§5.3.1): " << state_hex(h) << "\n\n";
    for (std::size_t i = 0; i < blocks; ++i) {
        compress(h, m.data() + 64 * i, i == 0, out);
        out << (i == 0 ? "\n" : "") << "after block " << i + 1
            << ", H = previous H + (a,b,c,d,e): " << state_hex(h) << '\n';
    }
    std::string digest;
    for (const std::uint32_t v : h)
        digest += hex_word(v);
    out << "\ndigest (H0..H4 concatenated): " << digest << '\n';

    const crypto::Sha1Digest lib = crypto::sha1(message);
    const bool same = hex_bytes(lib) == hex_bytes([&] {
                          std::array<std::uint8_t, 20> d{};
                          for (std::size_t i = 0; i < 20; ++i)
                              d[i] = static_cast<std::uint8_t>(h[i / 4] >> (24 - 8 * (i % 4)));
                          return d;
                      }());
    out << (same ? "wire::crypto::sha1 computes the same digest\n"
                 : "MISMATCH with wire::crypto::sha1: please report this\n");
    return same ? 0 : 1;
}

}  // namespace wire::tools
