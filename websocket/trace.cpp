#include "websocket/trace.hpp"

#include <algorithm>
#include <charconv>

#include "crypto/sha1.hpp"
#include "websocket/close.hpp"
#include "websocket/handshake.hpp"
#include "websocket/utf8.hpp"

namespace wire::websocket {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

void append_hex_byte(std::string& out, std::uint8_t b) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
}

// Pads `s` with spaces to `width` (a column of the trace line).
void pad_to(std::string& s, std::size_t start, std::size_t width) {
    const std::size_t used = s.size() - start;
    if (used < width) s.append(width - used, ' ');
}

// Whether `bytes` reads as text: valid UTF-8 (a character cut at the end is fine) without
// control characters other than tab, CR and LF.
bool looks_like_text(std::span<const std::uint8_t> bytes) {
    Utf8Validator v;
    if (!v.feed(bytes)) return false;
    return std::none_of(bytes.begin(), bytes.end(), [](std::uint8_t b) {
        return (b < 0x20 && b != '\t' && b != '\r' && b != '\n') || b == 0x7F;
    });
}

// Cuts `n` back to the start of a UTF-8 character, so a preview never ends mid-character.
std::size_t char_boundary(std::span<const std::uint8_t> bytes, std::size_t n) {
    while (n > 0 && n < bytes.size() && (bytes[n] & 0xC0) == 0x80)
        --n;
    return n;
}

void append_quoted(std::string& out, std::span<const std::uint8_t> bytes) {
    out += '"';
    for (const std::uint8_t b : bytes) {
        switch (b) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += static_cast<char>(b);
        }
    }
    out += '"';
}

// "len=5 (7-bit)": the length and which of the three encodings RFC 6455 §5.2 it takes.
void append_length(std::string& out, std::uint64_t n) {
    out += "len=";
    append_number(out, n);
    out += n <= 125 ? " (7-bit)" : n <= 0xFFFF ? " (16-bit)" : " (64-bit)";
}

void append_close(std::string& out, std::span<const std::uint8_t> payload, std::uint64_t total) {
    if (total == 0) {
        out += "no status code (1005)";
        return;
    }
    if (payload.size() < 2) {
        out += total == 1 ? "malformed: a 1-byte close payload (RFC 6455 §5.5.1)" : "code=?";
        return;
    }
    const auto code = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
    out += "code=";
    append_number(out, code);
    const std::string_view name = close_code_name(code);
    out += " (";
    out += name.empty() ? "unassigned" : name;
    out += is_valid_close_code(code) ? ")" : ", not allowed on the wire)";
    out += " reason=";
    const auto reason = payload.subspan(2);
    if (looks_like_text(reason)) {
        append_quoted(out, reason);
    } else {
        out += "(not UTF-8) ";
        out += preview_payload(reason, total - 2);
    }
}

}  // namespace

std::string_view opcode_name(std::uint8_t opcode) noexcept {
    switch (opcode) {
        case 0x0:
            return "continuation";
        case 0x1:
            return "text";
        case 0x2:
            return "binary";
        case 0x8:
            return "close";
        case 0x9:
            return "ping";
        case 0xA:
            return "pong";
        default:
            return "reserved";
    }
}

std::string preview_payload(std::span<const std::uint8_t> payload, std::uint64_t total,
                            const TraceOptions& options) {
    std::string out;
    if (total == 0) return "(empty)";
    if (payload.empty()) {
        out += "(";
        append_number(out, total);
        out += " bytes, not shown)";
        return out;
    }
    std::size_t shown = 0;
    if (looks_like_text(payload)) {
        shown = char_boundary(payload, std::min(payload.size(), options.text_preview));
        append_quoted(out, payload.first(shown));
    } else {
        shown = std::min(payload.size(), options.hex_preview);
        for (std::size_t i = 0; i < shown; ++i) {
            if (i > 0) out += ' ';
            append_hex_byte(out, payload[i]);
        }
    }
    if (shown < total) {
        out += shown == 0 ? "..." : " ...";
        out += " (";
        append_number(out, shown);
        out += " of ";
        append_number(out, total);
        out += " bytes shown)";
    }
    return out;
}

std::string describe_frame(const FrameHeader& h, std::span<const std::uint8_t> payload,
                           Direction dir, const TraceOptions& options) {
    payload = payload.first(
        static_cast<std::size_t>(std::min<std::uint64_t>(payload.size(), h.payload_length)));
    std::string out = "ws ";
    out += http::direction_word(dir);
    out += " | ";

    std::size_t col = out.size();
    const auto op = static_cast<std::uint8_t>(h.opcode);
    out += h.fin ? "FIN=1 RSV=" : "FIN=0 RSV=";
    out += (h.rsv & rsv1) ? '1' : '0';
    out += (h.rsv & rsv2) ? '1' : '0';
    out += (h.rsv & rsv3) ? '1' : '0';
    out += " op=0x";
    out += kHex[op & 0xF];
    out += ' ';
    out += opcode_name(op);
    // RFC 7692 §6: RSV1 on a data frame is permessage-deflate's "Per-Message Compressed" bit.
    if ((h.rsv & rsv1) != 0 && !is_control(h.opcode)) out += " compressed";
    pad_to(out, col, 33);
    out += " | ";

    col = out.size();
    if (h.masked) {
        out += "MASK=1 key=";
        for (const std::uint8_t b : h.mask_key)
            append_hex_byte(out, b);
    } else {
        out += "MASK=0";
    }
    pad_to(out, col, 19);
    out += " | ";

    col = out.size();
    append_length(out, h.payload_length);
    pad_to(out, col, 16);
    out += " | ";

    if (h.opcode == Opcode::close) {
        append_close(out, payload, h.payload_length);
    } else {
        out += preview_payload(payload, h.payload_length, options);
    }
    return out;
}

std::string describe_compression(Direction dir, Opcode op, std::uint64_t wire_bytes,
                                 std::span<const std::uint8_t> message, std::uint64_t message_size,
                                 const TraceOptions& options) {
    std::string out = "ws ";
    out += http::direction_word(dir);
    out += " |   compressed ";
    out += opcode_name(static_cast<std::uint8_t>(op));
    out += " message: ";
    out += std::to_string(wire_bytes);
    out += " bytes on the wire, ";
    out += std::to_string(message_size);
    out += dir == Direction::received ? " inflated" : " before deflating";
    if (wire_bytes > 0) {
        // The ratio to one decimal, in integers (no locale, no floating point formatting).
        const std::uint64_t tenths = message_size * 10 / wire_bytes;
        out += " (" + std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "x)";
    }
    if (!message.empty()) {
        out += " | ";
        out += preview_payload(message, message_size, options);
    }
    return out;
}

void trace_compression(const TraceSink& sink, Direction dir, Opcode op, std::uint64_t wire_bytes,
                       std::span<const std::uint8_t> message, std::uint64_t message_size) noexcept {
    if (!sink) return;
    try {
        std::string line = describe_compression(dir, op, wire_bytes, message, message_size);
        line += '\n';
        sink(line);
    } catch (...) {
        // As trace_frame: a line lost to a failing sink or allocation is not an error.
    }
}

void trace_frame(const TraceSink& sink, const FrameHeader& h, std::span<const std::uint8_t> payload,
                 Direction dir) noexcept {
    if (!sink) return;
    try {
        std::string line = describe_frame(h, payload, dir);
        line += '\n';  // a sink gets whole lines
        sink(line);
    } catch (...) {
        // Out of memory (or a sink that threw) while tracing: drop the line, go on.
    }
}

void trace_encoded_frame(const TraceSink& sink, std::span<const std::uint8_t> frame,
                         Direction dir) noexcept {
    if (!sink) return;
    FrameHeader h;
    // Decoded as a client would: an encoded frame here is a server's, never masked.
    const HeaderResult r = decode_header(frame, HeaderOptions{Role::client, 0x70}, h);
    if (r.status != DecodeStatus::done) return;
    trace_frame(sink, h, frame.subspan(r.consumed), dir);
}

void trace_frame(const FrameHeader& h, std::span<const std::uint8_t> payload,
                 Direction dir) noexcept {
    if (!trace_enabled()) return;
    trace_frame(http::stderr_trace_sink(), h, payload, dir);
}

void trace_accept(const TraceSink& sink, std::string_view key, Direction dir,
                  std::string_view received_accept) noexcept {
    if (!sink) return;
    try {
        sink(describe_accept(key, dir, received_accept));
    } catch (...) {
        // As in trace_frame: a trace line is never worth failing the handshake for.
    }
}

std::string describe_accept(std::string_view key, Direction dir, std::string_view received_accept) {
    std::string prefix = "ws ";
    prefix += http::direction_word(dir);
    prefix += " | ";

    // The digest is computed again here only to show it; the value is the handshake's own.
    crypto::Sha1 sha;
    sha.update(key);
    sha.update(websocket_guid);
    const crypto::Sha1Digest digest = sha.finish();
    const AcceptValue accept_value = compute_accept(key);
    const std::string_view accept = accept_value.view();

    std::string out = prefix;
    out += "accept 1/3: key + GUID = \"";
    out += key;
    out += websocket_guid;
    out += "\" (RFC 6455 §4.2.2)\n";
    out += prefix;
    out += "accept 2/3: SHA-1 = ";
    for (const std::uint8_t b : digest)
        append_hex_byte(out, b);
    out += " (FIPS 180-4)\n";
    out += prefix;
    out += "accept 3/3: Base64 = ";
    out += accept;
    out += " (RFC 4648 §4) = Sec-WebSocket-Accept\n";
    if (!received_accept.empty()) {
        out += prefix;
        out += received_accept == accept ? "accept: the server's value matches"
                                         : "accept: MISMATCH, the server sent ";
        if (received_accept != accept) {
            out += received_accept;
            out += "; the client must fail the connection (RFC 6455 §4.1)";
        }
        out += '\n';
    }
    return out;
}

}  // namespace wire::websocket
