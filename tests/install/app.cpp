// Built by tools/install-test.sh against an installed wire, with nothing but pkg-config flags.
// Computes RFC 6455 §1.3's Sec-WebSocket-Accept with the installed SHA-1 and Base64.
#include <wire/crypto/base64.hpp>
#include <wire/crypto/random.hpp>
#include <wire/crypto/sha1.hpp>

#include <array>
#include <cstdio>
#include <string>

int main() {
    std::array<std::uint8_t, 4> key{};
    if (wire::crypto::fill_random(key)) return 1;
    const std::string nonce = "dGhlIHNhbXBsZSBub25jZQ==";
    const auto digest = wire::crypto::sha1(nonce + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    if (wire::crypto::base64::encode(digest) != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") return 1;
    std::puts("installed wire links and runs");
    return 0;
}
