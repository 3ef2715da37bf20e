// Trace mode for WebSocket (WIRE_TRACE=1): one annotated line per frame, and the derivation of
// Sec-WebSocket-Accept for the handshake, so a learner sees each field RFC 6455 §5.2 defines.
//
//   ws recv | FIN=1 RSV=000 op=0x1 text   | MASK=1 key=37fa213d | len=5 (7-bit)  | "Hello"
//   ws send | FIN=1 RSV=000 op=0x8 close  | MASK=0              | len=2 (7-bit)  | code=1000 ...
//
// Pure formatting, like http/trace.hpp: strings built from a header and payload, no I/O. The
// Upgrader, the Dialer, the WebSocketServer and each Endpoint's EventOptions have a `trace`
// option (a TraceSink, from WIRE_TRACE by default); a Conn gets its upgrader's or dialer's sink
// through ConnOptions::trace. For each frame it reads or writes, a Conn or LoopConn calls
//
//     websocket::trace_frame(trace, header, payload, Direction::received);  // nothing when off
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "http/trace.hpp"
#include "websocket/close.hpp"
#include "websocket/frame.hpp"

namespace wire::websocket {

using http::default_trace_sink;
using http::Direction;
using http::trace_enabled;
using http::trace_write;
using http::TraceSink;

struct TraceOptions {
    std::size_t text_preview = 48;  // bytes of a text payload shown before "..."
    std::size_t hex_preview = 16;   // bytes of a binary payload shown in hex before "..."
};

// One line for one frame. `payload` holds the frame's payload bytes UNMASKED (what the
// application sees); it may be shorter than h.payload_length (the first bytes of a streamed
// frame, or none), and the line says how much was shown. Close frames show code and reason.
[[nodiscard]] std::string describe_frame(const FrameHeader& h,
                                         std::span<const std::uint8_t> payload, Direction dir,
                                         const TraceOptions& options = {});

// If `sink` is set: sink(describe_frame(h, payload, dir)). The one call a Conn makes, for each
// frame read (payload already unmasked) or about to be written (payload not yet masked).
void trace_frame(const TraceSink& sink, const FrameHeader& h, std::span<const std::uint8_t> payload,
                 Direction dir) noexcept;

// The same for a whole frame already encoded, unmasked (a server's SharedFrame): the header is
// decoded from `frame` first.
void trace_encoded_frame(const TraceSink& sink, std::span<const std::uint8_t> frame,
                         Direction dir) noexcept;

// If trace_enabled(): trace_write(describe_frame(h, payload, dir)), for code without an option.
void trace_frame(const FrameHeader& h, std::span<const std::uint8_t> payload,
                 Direction dir) noexcept;

// The payload preview alone: "Hello" quoted and escaped when it is printable UTF-8, else hex
// bytes; "..." and the total when cut. Used by describe_frame and wire-explain.
[[nodiscard]] std::string preview_payload(std::span<const std::uint8_t> payload,
                                          std::uint64_t total, const TraceOptions& options = {});

// permessage-deflate (RFC 7692): a frame with RSV1 is traced as "compressed" (its payload is
// DEFLATE data); when the whole message has been inflated (received) or deflated (sent) one
// more line gives both sizes and the message itself:
//
//   ws recv |   compressed text message: 94 bytes on the wire, 1024 inflated (10.9x) | "{\"id..."
[[nodiscard]] std::string describe_compression(Direction dir, Opcode op, std::uint64_t wire_bytes,
                                               std::span<const std::uint8_t> message,
                                               std::uint64_t message_size,
                                               const TraceOptions& options = {});
// If `sink` is set: sink(describe_compression(...)). `message` may be empty (a message read in
// pieces) with `message_size` its length.
void trace_compression(const TraceSink& sink, Direction dir, Opcode op, std::uint64_t wire_bytes,
                       std::span<const std::uint8_t> message, std::uint64_t message_size) noexcept;

// The name of an opcode: "continuation", "text", "binary", "close", "ping", "pong", "reserved".
[[nodiscard]] std::string_view opcode_name(std::uint8_t opcode) noexcept;

// How Sec-WebSocket-Accept follows from the key, as three "ws <dir> | " lines: the
// concatenation, the SHA-1 digest in hex, its Base64. With `received_accept` (a client checking
// the server's answer) a fourth line says whether it matches.
[[nodiscard]] std::string describe_accept(std::string_view key, Direction dir,
                                          std::string_view received_accept = {});

// If `sink` is set: sink(describe_accept(key, dir, received_accept)). An Upgrader calls it with
// Direction::sent as it answers; a Dialer with Direction::received and the server's value.
void trace_accept(const TraceSink& sink, std::string_view key, Direction dir,
                  std::string_view received_accept = {}) noexcept;

}  // namespace wire::websocket
