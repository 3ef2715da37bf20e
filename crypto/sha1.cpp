#include "crypto/sha1.hpp"

#include <algorithm>
#include <cstring>

#include "crypto/detail/endian.hpp"
#include "crypto/detail/sha1_blocks.hpp"

namespace wire::crypto {
namespace {

using BlockFunction = void (*)(detail::Sha1State&, const std::uint8_t*, std::size_t) noexcept;

// The CPU is asked once, on first use (a function-local static is initialised thread-safely).
void process_blocks(detail::Sha1State& state, const std::uint8_t* p, std::size_t count) noexcept {
    static const BlockFunction block_function =
        detail::has_sha_ni() ? detail::sha1_blocks_shani : detail::sha1_blocks_portable;
    block_function(state, p, count);
}

}  // namespace

void Sha1::reset() noexcept {
    // FIPS 180-4 §5.3.1: the initial hash value H^(0).
    state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    buffered_ = 0;
    length_ = 0;
}

void Sha1::update(std::span<const std::uint8_t> data) noexcept {
    if (data.empty()) return;  // data() may be null, which memcpy must never see
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    length_ += n;
    // Complete a partial block first.
    if (buffered_ > 0) {
        const std::size_t take = std::min(n, sha1_block_size - buffered_);
        std::memcpy(block_.data() + buffered_, p, take);
        buffered_ += take;
        p += take;
        n -= take;
        if (buffered_ < sha1_block_size) return;
        process_blocks(state_, block_.data(), 1);
        buffered_ = 0;
    }
    // Whole blocks straight from the caller's memory, then keep the rest.
    const std::size_t whole = n / sha1_block_size;
    if (whole > 0) process_blocks(state_, p, whole);
    p += whole * sha1_block_size;
    n -= whole * sha1_block_size;
    if (n > 0) std::memcpy(block_.data(), p, n);
    buffered_ = n;
}

void Sha1::update(std::string_view data) noexcept {
    update(std::span{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

Sha1Digest Sha1::finish() noexcept {
    // FIPS 180-4 §5.1.1: append bit '1', then zeros until 56 bytes mod 64, then the message
    // length in bits as a 64-bit big-endian integer.
    const std::uint64_t bit_length = length_ * 8;
    block_[buffered_++] = 0x80;
    if (buffered_ > sha1_block_size - 8) {
        std::memset(block_.data() + buffered_, 0, sha1_block_size - buffered_);
        process_blocks(state_, block_.data(), 1);
        buffered_ = 0;
    }
    std::memset(block_.data() + buffered_, 0, sha1_block_size - 8 - buffered_);
    detail::store_be64(block_.data() + sha1_block_size - 8, bit_length);
    process_blocks(state_, block_.data(), 1);

    Sha1Digest digest;
    for (std::size_t i = 0; i < 5; ++i)
        detail::store_be32(digest.data() + 4 * i, state_[i]);
    reset();
    return digest;
}

Sha1Digest sha1(std::span<const std::uint8_t> data) noexcept {
    Sha1 h;
    h.update(data);
    return h.finish();
}

Sha1Digest sha1(std::string_view data) noexcept {
    Sha1 h;
    h.update(data);
    return h.finish();
}

}  // namespace wire::crypto
