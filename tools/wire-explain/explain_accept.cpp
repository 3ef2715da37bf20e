// wire-explain accept KEY: every step from Sec-WebSocket-Key to Sec-WebSocket-Accept
// (RFC 6455 §4.2.1 item 5, §4.2.2 item 5.4).
#include <ostream>
#include <string>

#include "crypto/base64.hpp"
#include "crypto/sha1.hpp"
#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"
#include "websocket/handshake.hpp"

namespace wire::tools {
namespace {

using websocket::websocket_guid;  // RFC 6455 §1.3
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Step 1: a server checks that the key is Base64 of 16 bytes. Returns whether it is.
bool check_key(std::ostream& out, std::string_view key) {
    out << "step 1. check the key: Base64 of 16 random bytes (RFC 6455 §4.1, §4.2.1 item 5)\n";
    std::uint8_t raw[64];
    if (key.size() > 80) {
        out << "        the key is " << key.size() << " characters; a valid one has 24\n";
        return false;
    }
    const auto r = crypto::base64::decode(key, raw);
    if (r.error) {
        out << "        not Base64: " << r.error.message() << " at character " << r.offset
            << "\n        a server answers 400 Bad Request\n";
        return false;
    }
    out << "        decodes to " << r.written << " bytes: " << hex_bytes({raw, r.written}) << '\n';
    std::string shown;
    for (std::size_t i = 0; i < r.written; ++i)
        shown += printable(raw[i]);
    out << "        as text: \"" << shown << "\"\n";
    if (r.written != 16) {
        out << "        not 16 bytes: a server answers 400 Bad Request\n";
        return false;
    }
    out << "        16 bytes: good. The server uses the key as text from here on, not these "
           "bytes\n";
    return true;
}

// Step 4 in detail: each 3 bytes are 24 bits, read as four 6-bit indexes into the alphabet.
void show_base64(std::ostream& out, std::span<const std::uint8_t> digest) {
    out << "step 4. Base64 of the 20 digest bytes (RFC 4648 §4): 3 bytes = 24 bits = four 6-bit\n"
           "        indexes into A-Z a-z 0-9 + /; the last group has 2 bytes, so 18 bits (two\n"
           "        zero bits added) give 3 characters and one '=' pads it to 4\n";
    for (std::size_t i = 0; i < digest.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, digest.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j)
            group = group << 8 | (j < n ? digest[i + j] : 0u);
        std::string line = "        " + hex_bytes(digest.subspan(i, n));
        line.resize(18, ' ');
        line += "-> ";
        std::string chars;
        for (std::size_t k = 0; k < 4; ++k) {
            const std::uint32_t index = (group >> (18 - 6 * k)) & 0x3F;
            std::string six;
            for (int b = 5; b >= 0; --b)
                six += ((index >> b) & 1) ? '1' : '0';
            if (k <= n) {
                line += six + ' ';
                chars += kAlphabet[index];
            } else {
                line += "       ";
                chars += '=';
            }
        }
        out << line << "-> " << chars << '\n';
    }
}

}  // namespace

int explain_accept(Args args, std::ostream& out) {
    if (args.size() != 1) {
        out << "usage: wire-explain accept dGhlIHNhbXBsZSBub25jZQ==\n";
        return 2;
    }
    const std::string_view key = args[0];
    out << "Sec-WebSocket-Key: " << key << "\n\n";
    const bool key_ok = check_key(out, key);

    const std::string joined = std::string(key) + std::string(websocket_guid);
    out << "\nstep 2. append the GUID every WebSocket server knows (RFC 6455 §1.3, §4.2.2)\n"
        << "        \"" << key << "\" + \"" << websocket_guid << "\"\n"
        << "        = \"" << joined << "\" (" << joined.size() << " bytes)\n";

    const crypto::Sha1Digest digest = crypto::sha1(joined);
    out << "\nstep 3. SHA-1 of those " << joined.size()
        << " bytes (FIPS 180-4; wire-explain sha1 shows the rounds)\n"
        << "        " << hex_bytes(digest) << "\n\n";

    show_base64(out, digest);
    const std::string accept = crypto::base64::encode(std::span<const std::uint8_t>(digest));
    out << "        = " << accept << '\n';
    // The same value from the library's handshake code, so the steps above cannot drift from it.
    const bool same = websocket::compute_accept(key).view() == accept;
    out << (same ? "        (websocket::compute_accept gives the same)\n\n"
                 : "        MISMATCH with websocket::compute_accept: please report this\n\n");

    out << "step 5. the server answers (RFC 6455 §4.2.2 item 5)\n"
        << "        HTTP/1.1 101 Switching Protocols\n"
        << "        Upgrade: websocket\n"
        << "        Connection: Upgrade\n"
        << "        Sec-WebSocket-Accept: " << accept << "\n"
        << "        and the client checks the value the same way (RFC 6455 §4.1), which proves\n"
        << "        the server read this handshake and is not an HTTP cache replaying another\n";
    return key_ok ? 0 : 1;
}

}  // namespace wire::tools
