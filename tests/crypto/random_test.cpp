#include "crypto/random.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <vector>

TEST_CASE("fill_random fills every byte, including large requests that getrandom splits") {
    // 1 MiB is far above getrandom's 256-byte atomic size, so short reads must be handled.
    std::vector<std::uint8_t> big(1 << 20, 0);
    REQUIRE_FALSE(wire::crypto::fill_random(big));
    // Count zero bytes: about 1/256 of them by chance; an unfilled tail would be all zero.
    const auto zeros = std::count(big.begin(), big.end(), 0);
    CHECK(zeros < (1 << 20) / 128);
    CHECK(std::any_of(big.end() - 64, big.end(), [](std::uint8_t b) { return b != 0; }));
}

TEST_CASE("fill_random gives different masking keys on each call") {
    std::array<std::uint8_t, 16> a{}, b{};
    REQUIRE_FALSE(wire::crypto::fill_random(a));
    REQUIRE_FALSE(wire::crypto::fill_random(b));
    CHECK(a != b);
}

TEST_CASE("fill_random with an empty span succeeds") {
    CHECK_FALSE(wire::crypto::fill_random({}));
}
