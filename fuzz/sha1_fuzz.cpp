// SHA-1 fuzz target:
//   1. the one-shot digest equals a streaming digest fed in pieces whose sizes come from a
//      small generator seeded by the input itself (deterministic for a given input);
//   2. the portable and SHA-NI block functions agree on the input's whole blocks.
#include <cstdint>
#include <cstdlib>

#include "crypto/detail/sha1_blocks.hpp"
#include "crypto/sha1.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> msg(data, size);
    const auto want = wire::crypto::sha1(msg);

    // Piece sizes 0..199 from an xorshift generator seeded by the first bytes and the length.
    std::uint32_t x = 0x9e3779b9u ^ static_cast<std::uint32_t>(size);
    for (std::size_t i = 0; i < size && i < 4; ++i)
        x = x * 31 + data[i];
    wire::crypto::Sha1 h;
    for (std::size_t at = 0; at < size;) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        const std::size_t take = std::min<std::size_t>(size - at, x % 200);
        h.update(msg.subspan(at, take));
        at += take;
    }
    check(h.finish() == want);

    namespace detail = wire::crypto::detail;
    if (detail::has_sha_ni()) {
        detail::Sha1State a{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, b = a;
        detail::sha1_blocks_portable(a, data, size / 64);
        detail::sha1_blocks_shani(b, data, size / 64);
        check(a == b);
    }
    return 0;
}
