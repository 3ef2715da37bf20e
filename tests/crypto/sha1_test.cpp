#include "crypto/sha1.hpp"

#include <doctest/doctest.h>
#include <openssl/sha.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "crypto/base64.hpp"
#include "crypto/detail/endian.hpp"
#include "crypto/detail/sha1_blocks.hpp"
#include "tests/support/guard_page.hpp"
#include "tests/support/split_feed.hpp"

namespace {

using wire::crypto::Sha1;
using wire::crypto::Sha1Digest;
namespace detail = wire::crypto::detail;
using BlockFunction = void (*)(detail::Sha1State&, const std::uint8_t*, std::size_t) noexcept;

std::string hex(const Sha1Digest& d) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (auto b : d) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    return s;
}

// A digest computed with one chosen block function and this test's own padding (FIPS 180-4
// §5.1.1), so each block function is checked end to end, independently of Sha1's buffering.
Sha1Digest digest_with(BlockFunction blocks, std::string_view msg) {
    std::vector<std::uint8_t> padded(msg.begin(), msg.end());
    padded.push_back(0x80);
    while (padded.size() % 64 != 56)
        padded.push_back(0);
    std::uint8_t length[8];
    detail::store_be64(length, std::uint64_t{msg.size()} * 8);
    padded.insert(padded.end(), length, length + 8);
    detail::Sha1State h{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    blocks(h, padded.data(), padded.size() / 64);
    Sha1Digest d;
    for (std::size_t i = 0; i < 5; ++i)
        detail::store_be32(d.data() + 4 * i, h[i]);
    return d;
}

struct Vector {
    std::string message;
    const char* digest;
};

// FIPS 180-4 examples (via the NIST CSRC example document) and RFC 3174 §7.3 tests.
std::vector<Vector> vectors() {
    std::string rfc3174_4;
    for (int i = 0; i < 10; ++i)
        rfc3174_4 += "0123456701234567012345670123456701234567012345670123456701234567";
    return {
        {"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
        {"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",  // the 448-bit message
         "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
        {std::string(1000000, 'a'), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
        {rfc3174_4, "dea356a2cddd90c7a7ecedc5ebb563934f460452"},  // RFC 3174 TEST4
        {"The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
    };
}

std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>(i * 131 + n * 7 + 3);
    return s;
}

}  // namespace

TEST_CASE("sha1: FIPS 180-4 and RFC 3174 vectors, one-shot and streaming") {
    for (const auto& v : vectors()) {
        CAPTURE(v.message.size());
        CHECK(hex(wire::crypto::sha1(v.message)) == v.digest);
        const auto bytes =
            std::span{reinterpret_cast<const std::uint8_t*>(v.message.data()), v.message.size()};
        CHECK(hex(wire::crypto::sha1(bytes)) == v.digest);
        Sha1 h;  // the million 'a's in odd-sized pieces crosses block boundaries everywhere
        for (std::size_t i = 0; i < v.message.size(); i += 997)
            h.update(std::string_view(v.message).substr(i, 997));
        CHECK(hex(h.finish()) == v.digest);
    }
}

TEST_CASE("sha1: the portable and SHA-NI block functions agree on every vector") {
    const bool shani = detail::has_sha_ni();
    const std::string note = shani ? "yes" : "no (only the portable path is checked)";
    MESSAGE("SHA-NI available: " << note);
    for (const auto& v : vectors()) {
        CAPTURE(v.message.size());
        CHECK(hex(digest_with(detail::sha1_blocks_portable, v.message)) == v.digest);
        if (shani) CHECK(hex(digest_with(detail::sha1_blocks_shani, v.message)) == v.digest);
    }
}

TEST_CASE("sha1: block functions agree from arbitrary states on random blocks") {
    if (!detail::has_sha_ni()) return;
    std::mt19937 rng(7);
    std::vector<std::uint8_t> data(64 * 20);
    for (int round = 0; round < 200; ++round) {
        for (auto& b : data)
            b = static_cast<std::uint8_t>(rng());
        detail::Sha1State a;
        for (auto& word : a)
            word = static_cast<std::uint32_t>(rng());
        detail::Sha1State b = a;
        const std::size_t count = rng() % 21;
        detail::sha1_blocks_portable(a, data.data(), count);
        detail::sha1_blocks_shani(b, data.data(), count);
        CHECK(a == b);
    }
}

TEST_CASE("sha1: every length 0..200 split at every point gives the one-shot digest") {
    for (std::size_t n = 0; n <= 200; ++n) {
        const std::string msg = pattern(n);
        const Sha1Digest expected = wire::crypto::sha1(msg);
        REQUIRE(expected == digest_with(detail::sha1_blocks_portable, msg));
        Sha1 h;  // reused: finish() must reset it for the next message
        for (const auto& plan : wire::test::all_splits(msg)) {
            for (auto piece : plan)
                h.update(piece);
            const Sha1Digest got = h.finish();
            if (got != expected)
                FAIL_CHECK("length " << n << ", " << wire::test::describe_plan(plan, n));
        }
        h.update(std::string_view{});  // empty updates change nothing
        h.update(msg);
        h.update(std::string_view{});
        CHECK(h.finish() == expected);
    }
}

TEST_CASE("sha1: input ending at a guard page is never read past its end") {
    for (std::size_t n = 0; n <= 200; ++n) {
        const std::string msg = pattern(n);
        wire::test::GuardedBuffer buf(msg);
        CHECK(wire::crypto::sha1(buf.view()) == digest_with(detail::sha1_blocks_portable, msg));
        if (detail::has_sha_ni() && n >= 64) {
            detail::Sha1State a{}, b{};
            detail::sha1_blocks_portable(a, buf.bytes().data(), n / 64);
            wire::test::GuardedBuffer tail(
                msg.substr(0, n / 64 * 64));  // whole blocks end at the guard
            detail::sha1_blocks_shani(b, tail.bytes().data(), n / 64);
            CHECK(a == b);
        }
    }
}

TEST_CASE("sha1: agrees with OpenSSL's SHA1 on random inputs in random pieces") {
    std::mt19937 rng(2026);
    for (int round = 0; round < 300; ++round) {
        const std::size_t n = round < 100 ? rng() % 300 : rng() % 20000;
        std::vector<std::uint8_t> msg(n);
        for (auto& b : msg)
            b = static_cast<std::uint8_t>(rng());
        Sha1Digest want;
        SHA1(msg.data(), msg.size(), want.data());
        CHECK(wire::crypto::sha1(msg) == want);
        Sha1 h;
        for (std::size_t i = 0; i < n;) {
            const std::size_t take = std::min<std::size_t>(n - i, rng() % 200);
            h.update(std::span{msg}.subspan(i, take));
            i += take;
        }
        CHECK(h.finish() == want);
    }
}

TEST_CASE("RFC 6455 §1.3: Sec-WebSocket-Accept of the example key") {
    const Sha1Digest d = wire::crypto::sha1(std::string("dGhlIHNhbXBsZSBub25jZQ==") +
                                            "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    CHECK(hex(d) == "b37a4f2cc0624f1690f64606cf385945b2bec4ea");  // RFC 6455 §1.3 shows these bytes
    CHECK(wire::crypto::base64::encode(d) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}
