// SHA-1 block functions (FIPS 180-4 §6.1.2), internal to crypto/sha1.cpp and its tests.
// Each one folds `count` consecutive 64-byte blocks starting at `blocks` into `state` (H0..H4).
// Both produce identical results; tests and fuzzers run them side by side.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace wire::crypto::detail {

using Sha1State = std::array<std::uint32_t, 5>;

// The reference: FIPS 180-4 §6.1.2 step by step, in plain C++. Runs everywhere.
void sha1_blocks_portable(Sha1State& state, const std::uint8_t* blocks, std::size_t count) noexcept;

// Intel SHA extensions (sha1rnds4, sha1nexte, sha1msg1, sha1msg2): four rounds per instruction.
// Call only when has_sha_ni() is true; elsewhere (or on non-x86) it falls back to the portable one.
void sha1_blocks_shani(Sha1State& state, const std::uint8_t* blocks, std::size_t count) noexcept;

// True when the CPU reports SHA (CPUID leaf 7, EBX bit 29) and the SSSE3/SSE4.1 the path uses.
bool has_sha_ni() noexcept;

}  // namespace wire::crypto::detail
