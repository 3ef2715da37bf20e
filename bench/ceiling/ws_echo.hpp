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

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "websocket/handshake.hpp"

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
    constexpr std::string_view name = "sec-websocket-key:";
    std::size_t at = 0;
    std::string_view key;
    while (at < head.size()) {
        std::size_t eol = head.find("\r\n", at);
        if (eol == std::string_view::npos) break;
        std::string_view line = head.substr(at, eol - at);
        at = eol + 2;
        if (line.size() <= name.size()) continue;
        bool match = true;  // field names are case-insensitive (RFC 9110 §5.1)
        for (std::size_t i = 0; i < name.size() && match; ++i) {
            char c = line[i];
            match = (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) == name[i];
        }
        if (!match) continue;
        key = line.substr(name.size());
        while (!key.empty() && (key.front() == ' ' || key.front() == '\t'))
            key.remove_prefix(1);
        while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
            key.remove_suffix(1);
    }
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

// Unmasks n bytes from src to dst, dst <= src (overlap allowed: each 8-byte block is loaded
// before the store that may reach it). The mask key repeats every 4 bytes (RFC 6455 §5.3).
inline void unmask_move(std::uint8_t* dst, const std::uint8_t* src, std::size_t n,
                        const std::uint8_t key[4]) noexcept {
    std::uint8_t key8[8] = {key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3]};
    std::uint64_t k;
    std::memcpy(&k, key8, 8);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, src + i, 8);
        w ^= k;
        std::memcpy(dst + i, &w, 8);
    }
    for (; i < n; ++i)
        dst[i] = static_cast<std::uint8_t>(src[i] ^ key[i & 3]);
}

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
        std::uint8_t key[4];
        std::memcpy(key, p + in + hdr, 4);
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
        unmask_move(out + hdr, p + in + hdr + 4, len, key);
        r.out_len += hdr + len;
        in += total;
        r.close = opcode == 8;
    }
    r.consumed = in;
    return r;
}

}  // namespace ceiling
