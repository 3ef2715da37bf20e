// Built by tools/install-test.sh against an installed wire, with nothing but pkg-config flags.
#include <wire/crypto/random.hpp>

#include <array>
#include <cstdio>

int main() {
    std::array<std::uint8_t, 4> key{};
    if (wire::crypto::fill_random(key)) return 1;
    std::puts("installed wire links and runs");
    return 0;
}
