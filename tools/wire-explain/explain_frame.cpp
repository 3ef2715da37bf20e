// wire-explain frame HEX...: a WebSocket frame (RFC 6455 §5.2) decoded field by field.
//
// The fields are read here by hand, bit by bit, to show them; the verdict comes from wire's own
// decoder (websocket/frame.hpp), so what this tool calls valid is what a wire endpoint accepts.
#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "tools/wire-explain/commands.hpp"
#include "tools/wire-explain/text.hpp"
#include "websocket/close.hpp"
#include "websocket/error.hpp"
#include "websocket/frame.hpp"
#include "websocket/frame_reader.hpp"
#include "websocket/mask.hpp"
#include "websocket/trace.hpp"
#include "websocket/utf8.hpp"

namespace wire::tools {
namespace {

namespace ws = wire::websocket;
using Bytes = std::span<const std::uint8_t>;

constexpr std::size_t kXorShown = 16;  // payload bytes whose unmasking is shown one by one

// "bytes 2-5" or "byte 6".
std::string byte_range(std::size_t first, std::size_t count) {
    if (count == 1) return "byte " + std::to_string(first);
    return "bytes " + std::to_string(first) + "-" + std::to_string(first + count - 1);
}

std::string count_bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// One annotated field: "  bits 6-0  length = 5      0-125: the length itself      RFC ...".
void field(std::ostream& out, std::string_view where, std::string_view name,
           const std::string& value, std::string_view meaning, std::string_view rfc) {
    std::string line = "  ";
    line += where;
    line.resize(std::max<std::size_t>(line.size(), 12), ' ');
    line += name;
    line.resize(std::max<std::size_t>(line.size(), 20), ' ');
    line += "= ";
    line += value;
    line.resize(std::max<std::size_t>(line.size() + 2, 36), ' ');
    line += meaning;
    line.resize(std::max<std::size_t>(line.size() + 2, 82), ' ');
    out << line << rfc << '\n';
}

std::string_view opcode_meaning(std::uint8_t op) {
    switch (op) {
        case 0x0:
            return "continuation: the next fragment of a message";
        case 0x1:
            return "text: the message is UTF-8 text";
        case 0x2:
            return "binary: the message is raw bytes";
        case 0x8:
            return "close: the closing handshake";
        case 0x9:
            return "ping: the peer must answer with a pong";
        case 0xA:
            return "pong: the answer to a ping";
        default:
            return "reserved: no meaning defined, the receiver fails";
    }
}

std::string_view opcode_rfc(std::uint8_t op) {
    switch (op) {
        case 0x0:
            return "RFC 6455 §5.4";
        case 0x1:
            return "RFC 6455 §5.6";
        case 0x2:
            return "RFC 6455 §5.6";
        case 0x8:
            return "RFC 6455 §5.5.1";
        case 0x9:
            return "RFC 6455 §5.5.2";
        case 0xA:
            return "RFC 6455 §5.5.3";
        default:
            return "RFC 6455 §5.2";
    }
}

// Bytes 0 and 1: FIN, RSV1-3, opcode, MASK, the 7-bit length.
void explain_first_two(std::ostream& out, std::uint8_t b0, std::uint8_t b1) {
    const std::uint8_t op = b0 & 0x0F;
    out << "byte 0 = 0x" << hex_byte(b0) << " = " << bits(b0) << '\n';
    field(out, "bit 7", "FIN", (b0 & 0x80) ? "1" : "0",
          (b0 & 0x80) ? "the final fragment of its message" : "more fragments follow",
          "RFC 6455 §5.2, §5.4");
    std::string rsv = {(b0 & 0x40) ? '1' : '0', (b0 & 0x20) ? '1' : '0', (b0 & 0x10) ? '1' : '0'};
    field(out, "bits 6-4", "RSV1-3", rsv,
          rsv == "000" ? "no extension uses them" : "set: only a negotiated extension may",
          "RFC 6455 §5.2");
    field(out, "bits 3-0", "opcode", "0x" + std::string(1, "0123456789abcdef"[op]),
          opcode_meaning(op), opcode_rfc(op));

    const std::uint8_t len7 = b1 & 0x7F;
    out << "byte 1 = 0x" << hex_byte(b1) << " = " << bits(b1) << '\n';
    field(out, "bit 7", "MASK", (b1 & 0x80) ? "1" : "0",
          (b1 & 0x80) ? "masked: a client sent it" : "not masked: a server sent it",
          "RFC 6455 §5.1, §5.3");
    field(out, "bits 6-0", "length", std::to_string(len7),
          len7 <= 125   ? "0-125: the payload length itself"
          : len7 == 126 ? "126: the length is in the next 2 bytes"
                        : "127: the length is in the next 8 bytes",
          "RFC 6455 §5.2");
}

// The bytes of the payload with the XOR of each shown, then the payload as text or hex.
void explain_payload(std::ostream& out, const ws::FrameHeader& h, std::size_t at, Bytes masked,
                     std::vector<std::uint8_t>& plain) {
    plain.assign(masked.begin(), masked.end());
    out << byte_range(at, masked.size()) << " = "
        << hex_bytes(masked.first(std::min<std::size_t>(masked.size(), kXorShown)))
        << (masked.size() > kXorShown ? " ..." : "") << '\n';
    if (!h.masked) {
        field(out, "", "payload", count_bytes(masked.size()), "sent as is", "RFC 6455 §5.2");
        return;
    }
    field(out, "", "payload", count_bytes(masked.size()), "masked: byte i XOR key[i mod 4]",
          "RFC 6455 §5.3");
    ws::apply_mask(plain, h.mask_key);
    std::string line = "   ";
    for (std::size_t i = 0; i < std::min(plain.size(), kXorShown); ++i) {
        line += "  " + hex_byte(masked[i]) + '^' + hex_byte(h.mask_key[i % 4]) + '=' +
                hex_byte(plain[i]) + " '" + printable(plain[i]) + '\'';
        if (i % 4 == 3 || i + 1 == std::min(plain.size(), kXorShown)) {
            out << line << '\n';
            line = "   ";
        }
    }
    if (plain.size() > kXorShown)
        out << "    ... and so on for the other " << plain.size() - kXorShown << " bytes\n";
}

// What the payload says: text, close code and reason, or bytes. Returns the error a receiver
// finds in it (bad UTF-8, a bad close payload), or no error.
std::error_code explain_content(std::ostream& out, const ws::FrameHeader& h, Bytes plain) {
    if (h.opcode == ws::Opcode::close) {
        ws::ClosePayload close;
        if (plain.size() < h.payload_length) return {};
        const std::error_code ec = ws::parse_close_payload(plain, close);
        if (ec) return ec;
        if (plain.empty()) {
            out << "  close with no status code (the receiver reports 1005, RFC 6455 §7.1.5)\n";
        } else {
            out << "  close code = " << close.code << " (" << ws::close_code_name(close.code)
                << ", RFC 6455 §7.4.1), reason = \"" << close.reason << "\"\n";
        }
        return {};
    }
    out << "  payload = " << ws::preview_payload(plain, h.payload_length);
    std::error_code ec;
    if (h.opcode == ws::Opcode::text && h.payload_length > 0) {
        // A fragment may end mid-character (RFC 6455 §5.6); the last one may not.
        ws::Utf8Validator v;
        const bool whole = h.fin && plain.size() == h.payload_length;
        const bool ok = v.feed(plain) && (!whole || v.complete());
        out << (ok ? " (valid UTF-8)" : " (not UTF-8)");
        if (!ok) ec = ws::Error::invalid_utf8;
    }
    out << '\n';
    return ec;
}

// Explains the frame at the start of `in`; returns the bytes it took (0 when incomplete).
std::size_t explain_one(std::ostream& out, Bytes in, std::size_t base, bool& valid) {
    explain_first_two(out, in[0], in[1]);
    const bool masked = (in[1] & 0x80) != 0;
    const std::uint8_t len7 = in[1] & 0x7F;
    std::size_t at = 2;
    std::uint64_t length = len7;
    const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (ext > 0) {
        if (in.size() < at + ext) {
            out << "incomplete: the extended length needs " << ext << " bytes, " << in.size() - at
                << " present\n";
            valid = false;
            return 0;
        }
        length = 0;
        for (std::size_t i = 0; i < ext; ++i)
            length = length << 8 | in[at + i];
        out << byte_range(base + at, ext) << " = " << hex_bytes(in.subspan(at, ext)) << '\n';
        field(out, "", "length", std::to_string(length),
              ext == 2 ? "16-bit, network byte order" : "64-bit, network byte order",
              "RFC 6455 §5.2");
        at += ext;
    }
    ws::FrameHeader h;
    if (masked) {
        if (in.size() < at + 4) {
            out << "incomplete: the masking key needs 4 bytes, " << in.size() - at << " present\n";
            valid = false;
            return 0;
        }
        std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(at), 4, h.mask_key.begin());
        out << byte_range(base + at, 4) << " = " << hex_bytes(h.mask_key) << '\n';
        field(out, "", "key", hex_bytes(h.mask_key), "chosen at random per frame",
              "RFC 6455 §5.3, §10.3");
        at += 4;
    }

    // The verdict of wire's decoder: the receiver is a server for a masked frame, else a client.
    const ws::HeaderOptions options{masked ? ws::Role::server : ws::Role::client, 0};
    const ws::HeaderResult r = ws::decode_header(in, options, h);
    const std::size_t available = in.size() - at;
    const std::size_t take = length < available ? static_cast<std::size_t>(length) : available;
    std::vector<std::uint8_t> plain;
    std::error_code content_error;
    if (take > 0 || length == 0) {
        if (take > 0) explain_payload(out, h, base + at, in.subspan(at, take), plain);
        h.payload_length = length;
        h.opcode = static_cast<ws::Opcode>(in[0] & 0x0F);
        h.fin = (in[0] & 0x80) != 0;
        content_error = explain_content(out, h, plain);
    }
    const std::error_code error = r.status == ws::DecodeStatus::error ? r.error : content_error;
    if (error) {
        const std::uint16_t code = ws::close_code_for(static_cast<ws::Error>(error.value()));
        out << "verdict: INVALID, " << error.message() << "\n         the receiver closes with "
            << code << " (" << ws::close_code_name(code) << ")\n";
        valid = false;
        return 0;
    }
    if (take < length) {
        out << "incomplete: " << length - take << " more payload bytes to come\n";
        valid = false;
        return 0;
    }
    out << "verdict: a valid " << (masked ? "client-to-server" : "server-to-client") << " frame\n";
    out << "trace:   "
        << ws::describe_frame(h, plain, masked ? ws::Direction::received : ws::Direction::sent)
        << '\n';
    return at + take;
}

// Runs the frames through wire's FrameReader, as the receiving endpoint would, and prints one line
// per event. Returns false when the reader rejects the sequence.
bool explain_messages(std::ostream& out, std::vector<std::uint8_t> bytes) {
    const bool masked = (bytes[1] & 0x80) != 0;
    ws::ReaderOptions options;
    options.role = masked ? ws::Role::server : ws::Role::client;
    ws::FrameReader reader(options);
    out << "\nas the receiving " << (masked ? "server" : "client")
        << " assembles them (websocket/frame_reader.hpp, RFC 6455 §5.4):\n";
    std::span<std::uint8_t> unread(bytes);
    std::string message;
    for (;;) {
        const ws::ConsumeResult r = reader.consume(unread);
        unread = unread.subspan(r.consumed);
        const ws::Event& ev = r.event;
        if (ev.type == ws::EventType::need_more) return true;
        if (ev.type == ws::EventType::error) {
            const auto code = ws::close_code_for(static_cast<ws::Error>(ev.error.value()));
            out << "  INVALID sequence: " << ev.error.message() << "\n  the receiver closes with "
                << code << " (" << ws::close_code_name(code) << ")\n";
            return false;
        }
        if (ev.type == ws::EventType::control) {
            out << "  " << ws::opcode_name(static_cast<std::uint8_t>(ev.opcode))
                << (reader.in_message()
                        ? " (a control frame may arrive between fragments, RFC 6455 §5.5)\n"
                        : "\n");
            continue;
        }
        if (ev.message_begin) message.clear();
        message.append(ev.payload.begin(), ev.payload.end());
        if (ev.message_end) {
            const std::span<const std::uint8_t> whole(
                reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
            out << "  " << ws::opcode_name(static_cast<std::uint8_t>(ev.opcode))
                << " message: " << ws::preview_payload(whole, whole.size()) << '\n';
        }
    }
}

}  // namespace

int explain_frame(Args args, std::ostream& out) {
    const HexParse hex = parse_hex(args);
    if (!hex.error.empty()) {
        out << "wire-explain frame: " << hex.error << '\n';
        return 2;
    }
    Bytes in = hex.bytes;
    if (in.empty()) {
        out << "usage: wire-explain frame 81 85 37 fa 21 3d 7f 9f 4d 51 58\n";
        return 2;
    }
    constexpr std::size_t shown = 32;
    out << count_bytes(in.size()) << ": " << hex_bytes(in.first(std::min(in.size(), shown)))
        << (in.size() > shown ? " ..." : "") << '\n';
    bool valid = true;
    std::size_t base = 0;
    int n = 1;
    for (; !in.empty(); ++n) {
        out << "\nframe " << n << " (RFC 6455 §5.2)\n";
        if (in.size() < 2) {
            out << "incomplete: a frame header has at least 2 bytes\n";
            return 1;
        }
        const std::size_t took = explain_one(out, in, base, valid);
        if (took == 0) break;
        in = in.subspan(took);
        base += took;
    }
    // Several valid frames: show how a receiver assembles them into messages (RFC 6455 §5.4).
    if (valid && n > 2) valid = explain_messages(out, hex.bytes);
    return valid ? 0 : 1;
}

}  // namespace wire::tools
