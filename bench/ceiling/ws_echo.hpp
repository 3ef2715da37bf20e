// ws_echo.hpp: the whole "WebSocket server" of the ceiling echo servers, I/O-free: the upgrade
// handshake, and a pass over received bytes that turns every complete client frame into the
// server's echo of it, in place.
//
// In place: a client frame is header + 4-byte mask key + masked payload; its echo is the same
// header without the mask bit and key, then the payload unmasked (RFC 6455 §5.2, §5.3). The echo
// is 4 bytes shorter than the frame it answers, so writing echoes from the front of the buffer
// never overtakes the frames still to read: one pass unmasks and moves each payload, and all the
// echoes of one read end up contiguous, ready for one send (no writev needed, no second buffer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/parser.hpp"
#include "websocket/handshake.hpp"
#include "websocket/mask.hpp"

namespace ceiling {

// Length of the request head ending in "\r\n\r\n" (RFC 9112 §2.1), or 0 while incomplete.
inline std::size_t head_length(const std::uint8_t* p, std::size_t n) noexcept {
    std::string_view text(reinterpret_cast<const char*>(p), n);
    std::size_t end = text.find("\r\n\r\n");
    return end == std::string_view::npos ? 0 : end + 4;
}

// Writes the 101 answer to an upgrade request head into `out` (at least 160 bytes) and returns
// its length, or 0 when the head has no Sec-WebSocket-Key. Only the key is checked: the load
// generator sends a valid upgrade request (wire's Upgrader does the full RFC 6455 §4.2.1 checks).
inline std::size_t upgrade_response(std::string_view head, char* out) noexcept {
    std::array<wire::http::Field, 64> fields;
    wire::http::HeadParser parser(wire::http::HeadParser::Kind::request, fields);
    if (!parser.parse(head).done()) return 0;
    const std::string_view key = parser.head().fields.get("Sec-WebSocket-Key");
    if (key.empty()) return 0;
    const wire::websocket::AcceptValue accept = wire::websocket::compute_accept(key);
    constexpr std::string_view start =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: ";
    std::size_t len = 0;
    for (std::string_view part : {start, accept.view(), std::string_view("\r\n\r\n")}) {
        std::memcpy(out + len, part.data(), part.size());
        len += part.size();
    }
    return len;
}

struct EchoPass {
    std::size_t consumed = 0;  // input bytes turned into echoes (whole frames)
    std::size_t out_len = 0;   // echo bytes, at the front of the buffer
    std::size_t need = 0;      // when a frame is incomplete: its full size if known, else 14
    std::size_t largest = 0;   // the largest complete frame seen (to pick where to read next)
    bool close = false;        // a close frame was echoed: send, then close the connection
    bool error = false;        // not a frame this server accepts: close the connection
};

// Turns the complete frames at the front of p[0, n) into their echoes, written from p[0].
// Data frames (text, binary, continuation) are echoed as they are, fragments included; ping is
// answered with pong (RFC 6455 §5.5.2), close with close (§5.5.1), pong ignored (§5.5.3).
inline EchoPass echo_frames(std::uint8_t* p, std::size_t n) noexcept {
    EchoPass r;
    std::size_t in = 0;
    while (!r.close) {
        // RFC 6455 §5.2: FIN, RSV1-3, opcode | MASK, payload len (7 bits, or 126 + 16 bits,
        // or 127 + 64 bits), then the masking key.
        if (n - in < 2) {
            r.need = 14;
            break;
        }
        const std::uint8_t b0 = p[in], b1 = p[in + 1];
        const unsigned opcode = b0 & 0x0FU;
        std::size_t len = b1 & 0x7FU, hdr = 2;
        // §5.1: a client masks every frame; §5.2: RSV bits need an extension (none here).
        if ((b1 & 0x80U) == 0 || (b0 & 0x70U) != 0) {
            r.error = true;
            break;
        }
        if (len >= 126) {
            hdr = len == 126 ? 4 : 10;
            if (n - in < hdr) {
                r.need = 14;
                break;
            }
            len = 0;
            for (std::size_t i = 2; i < hdr; ++i)
                len = (len << 8) | p[in + i];
        }
        // A sanity bound (16 MiB), not a protocol rule: keeps `need` meaningful.
        if (len > (std::size_t{1} << 24) || (opcode >= 8 && (len > 125 || (b0 & 0x80U) == 0))) {
            r.error = true;  // §5.5: control frames are short and never fragmented
            break;
        }
        const std::size_t total = hdr + 4 + len;
        if (n - in < total) {
            r.need = total;
            break;
        }
        wire::websocket::MaskKey key;
        std::memcpy(key.data(), p + in + hdr, 4);
        r.largest = total > r.largest ? total : r.largest;
        if (opcode == 0xA) {  // pong: nothing to answer
            in += total;
            continue;
        }
        if (opcode > 2 && opcode != 8 && opcode != 9) {
            r.error = true;  // §5.2: reserved opcodes
            break;
        }
        // The echo's header: the same bytes minus the mask bit (and ping becomes pong).
        std::uint8_t* out = p + r.out_len;
        std::uint8_t head[10];
        std::memcpy(head, p + in, hdr);
        head[0] = opcode == 9 ? static_cast<std::uint8_t>((b0 & 0xF0U) | 0xAU) : b0;
        head[1] = static_cast<std::uint8_t>(b1 & 0x7FU);
        std::memcpy(out, head, hdr);
        // A move towards the front, which mask_copy allows (websocket/mask.hpp).
        wire::websocket::mask_copy({p + in + hdr + 4, len}, out + hdr, key);
        r.out_len += hdr + len;
        in += total;
        r.close = opcode == 8;
    }
    r.consumed = in;
    return r;
}

}  // namespace ceiling
