#include "compress/checksum.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <random>
#include <vector>

#include "compress/detail/crc32.hpp"

namespace {

namespace compress = wire::compress;
namespace detail = wire::compress::detail;

std::vector<std::uint8_t> random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v)
        b = static_cast<std::uint8_t>(rng());
    return v;
}

std::uint32_t zlib_crc(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
    return static_cast<std::uint32_t>(::crc32(crc, p, static_cast<uInt>(n)));
}
std::uint32_t zlib_adler(std::uint32_t adler, const std::uint8_t* p, std::size_t n) {
    return static_cast<std::uint32_t>(::adler32(adler, p, static_cast<uInt>(n)));
}

// The CRC with one chosen register function, conditioned as RFC 1952 §8 says.
std::uint32_t crc_with(decltype(&detail::crc32_register_tables) f, std::uint32_t crc,
                       const std::uint8_t* p, std::size_t n) {
    return ~f(~crc, p, n);
}

// Bit by bit, straight from the definition: the reference the table is derived from.
std::uint32_t crc_bitwise(const std::uint8_t* p, std::size_t n) {
    std::uint32_t r = 0xffffffff;
    for (std::size_t i = 0; i < n; ++i) {
        r ^= p[i];
        for (int bit = 0; bit < 8; ++bit)
            r = (r & 1) ? (r >> 1) ^ 0xedb88320 : r >> 1;
    }
    return ~r;
}

}  // namespace

TEST_CASE("crc32: the check value of RFC 1952's CRC and known strings") {
    CHECK(compress::crc32(compress::crc32_initial, "") == 0);
    CHECK(compress::crc32(compress::crc32_initial, "123456789") == 0xcbf43926);
    CHECK(compress::crc32(compress::crc32_initial, "The quick brown fox jumps over the lazy dog") ==
          0x414fa339);
}

TEST_CASE("crc32: tables, carry-less multiply and zlib agree at every length and offset") {
    const auto data = random_bytes(4096 + 64, 1);
    INFO("pclmul available: " << detail::has_pclmul());
    for (std::size_t n = 0; n <= 300; ++n) {
        for (std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{7}, n % 13 + 3}) {
            const std::uint8_t* p = data.data() + offset;
            const std::uint32_t want = zlib_crc(0, p, n);
            CHECK(compress::crc32(0, {p, n}) == want);
            CHECK(crc_with(detail::crc32_register_tables, 0, p, n) == want);
            CHECK(crc_with(detail::crc32_register_pclmul, 0, p, n) == want);
        }
    }
    std::mt19937 rng(2);
    for (int round = 0; round < 200; ++round) {
        const std::size_t offset = rng() % 64, n = rng() % 4096;
        const std::uint8_t* p = data.data() + offset;
        const std::uint32_t want = zlib_crc(0, p, n);
        CHECK(crc_with(detail::crc32_register_tables, 0, p, n) == want);
        CHECK(crc_with(detail::crc32_register_pclmul, 0, p, n) == want);
        CHECK(crc_bitwise(p, n) == want);
    }
}

TEST_CASE("crc32: continuing from a previous value equals one pass") {
    const auto data = random_bytes(10000, 3);
    const std::uint32_t whole = zlib_crc(0, data.data(), data.size());
    for (std::size_t cut : {0u, 1u, 15u, 16u, 63u, 64u, 127u, 128u, 129u, 5000u, 9999u, 10000u}) {
        std::uint32_t crc = compress::crc32(0, {data.data(), cut});
        crc = compress::crc32(crc, {data.data() + cut, data.size() - cut});
        CHECK(crc == whole);
    }
}

TEST_CASE("adler32: RFC 1950 §8.2 and zlib agree at every length, offset and start value") {
    CHECK(compress::adler32(compress::adler32_initial, "") == 1);
    CHECK(compress::adler32(compress::adler32_initial, "Wikipedia") == 0x11e60398);
    const auto data = random_bytes(20000, 4);
    for (std::size_t n = 0; n <= 300; ++n)
        for (std::size_t offset : {std::size_t{0}, std::size_t{3}, n % 11 + 1})
            CHECK(compress::adler32(1, {data.data() + offset, n}) ==
                  zlib_adler(1, data.data() + offset, n));
    // Past the 5552-byte block that defers the modulo, all 0xff (the largest sums), and from
    // a start value near the modulus.
    const std::vector<std::uint8_t> ff(20000, 0xff);
    for (std::size_t n : {5551u, 5552u, 5553u, 11104u, 20000u}) {
        CHECK(compress::adler32(1, {ff.data(), n}) == zlib_adler(1, ff.data(), n));
        const std::uint32_t start = (65520u << 16) | 65520u;
        CHECK(compress::adler32(start, {ff.data(), n}) == zlib_adler(start, ff.data(), n));
        CHECK(compress::adler32(start, {data.data(), n}) == zlib_adler(start, data.data(), n));
    }
}
