#include "compress/detail/huffman_encoder.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

using wire::compress::detail::build_code_lengths;
using wire::compress::detail::build_codes;

namespace {

// Kraft's sum in units of 2^-max_bits: a complete code fills exactly 2^max_bits.
std::uint64_t kraft(const std::vector<std::uint8_t>& lengths, unsigned max_bits) {
    std::uint64_t sum = 0;
    for (std::uint8_t len : lengths)
        if (len != 0) sum += std::uint64_t{1} << (max_bits - len);
    return sum;
}

std::vector<std::uint8_t> lengths_for(const std::vector<std::uint32_t>& freq, unsigned max_bits) {
    std::vector<std::uint8_t> lengths(freq.size());
    build_code_lengths(freq.data(), static_cast<unsigned>(freq.size()), max_bits, lengths.data());
    return lengths;
}

}  // namespace

TEST_CASE("huffman: lengths are limited, complete, and follow the frequencies") {
    // Fibonacci frequencies make the deepest possible tree: an unlimited code would need
    // lengths up to n - 1.
    std::vector<std::uint32_t> fib(30);
    fib[0] = fib[1] = 1;
    for (std::size_t i = 2; i < fib.size(); ++i)
        fib[i] = fib[i - 1] + fib[i - 2];
    for (unsigned max_bits : {7u, 9u, 15u}) {
        CAPTURE(max_bits);
        const auto lengths = lengths_for(fib, max_bits);
        for (std::uint8_t len : lengths)
            CHECK((len >= 1 && len <= max_bits));
        CHECK(kraft(lengths, max_bits) == (std::uint64_t{1} << max_bits));
        for (std::size_t i = 1; i < fib.size(); ++i)
            CHECK(lengths[i] <= lengths[i - 1]);
    }
    // Equal frequencies of 2^k symbols: all codes k bits long.
    CHECK(lengths_for(std::vector<std::uint32_t>(16, 5), 15) == std::vector<std::uint8_t>(16, 4));
}

TEST_CASE("huffman: fewer than two used symbols still make a complete code") {
    // RFC 1951 §3.2.7 allows one distance code; a complete two-symbol code is safe for every
    // decoder, so the builder gives two symbols one bit each.
    CHECK(lengths_for({0, 0, 0, 0}, 15) == std::vector<std::uint8_t>{1, 1, 0, 0});
    CHECK(lengths_for({0, 0, 9, 0}, 15) == std::vector<std::uint8_t>{1, 0, 1, 0});
    CHECK(lengths_for({3, 0, 9, 0}, 15) == std::vector<std::uint8_t>{1, 0, 1, 0});
}

TEST_CASE("huffman: canonical codes as RFC 1951 §3.2.2's example, bit-reversed") {
    // §3.2.2: lengths (3, 3, 3, 3, 3, 2, 4, 4) give codes 010 011 100 101 110 00 1110 1111.
    const std::uint8_t lengths[8] = {3, 3, 3, 3, 3, 2, 4, 4};
    std::uint16_t codes[8];
    build_codes(lengths, 8, codes);
    const unsigned want[8] = {0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111};
    for (int s = 0; s < 8; ++s) {
        unsigned reversed = 0;
        for (unsigned b = 0; b < lengths[s]; ++b)
            reversed |= ((codes[s] >> b) & 1u) << (lengths[s] - 1 - b);
        CHECK(reversed == want[s]);
    }
}
