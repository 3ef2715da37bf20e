#include "crypto/detail/endian.hpp"

#include <doctest/doctest.h>

#include <array>

namespace detail = wire::crypto::detail;

TEST_CASE("endian: big-endian loads read the most significant byte first") {
    const std::array<std::uint8_t, 9> b{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xff};
    CHECK(detail::load_be16(b.data()) == 0x0123);
    CHECK(detail::load_be32(b.data()) == 0x01234567u);
    CHECK(detail::load_be64(b.data()) == 0x0123456789abcdefull);
    CHECK(detail::load_be32(b.data() + 5) == 0xabcdefffu);  // unaligned
}

TEST_CASE("endian: stores are the inverse of loads and touch only their own bytes") {
    std::array<std::uint8_t, 10> b{};
    b.fill(0x5a);
    detail::store_be64(b.data() + 1, 0x0102030405060708ull);
    CHECK(b == std::array<std::uint8_t, 10>{0x5a, 1, 2, 3, 4, 5, 6, 7, 8, 0x5a});
    detail::store_be32(b.data() + 1, 0xdeadbeefu);
    CHECK(detail::load_be32(b.data() + 1) == 0xdeadbeefu);
    CHECK(b[5] == 5);
    detail::store_be16(b.data() + 8, 0xfffe);
    CHECK(b[8] == 0xff);
    CHECK(b[9] == 0xfe);
    CHECK(b[7] == 7);
}
