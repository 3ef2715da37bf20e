// Trace mode for HTTP (WIRE_TRACE=1): a message head as annotated lines, so a learner watching a
// server or client sees what went over the wire and which rule each part follows.
//
//   http recv | GET /chat HTTP/1.1                      # request-line: method, target, ...
//   http recv | Host: server.example.com                # the host (and port) the request ...
//   http recv | Upgrade: websocket                      # the protocol the sender wants to ...
//   http recv | = no body, keep-alive, asks to upgrade
//
// Pure formatting: these functions build strings and never touch a socket. They allocate, which
// is fine: trace mode is for watching, not for speed. Each part that sends or receives heads
// (http::Server, http::Client, websocket::Upgrader, Dialer, WebSocketServer) has a `trace`
// option, a TraceSink that starts as default_trace_sink(): standard error when WIRE_TRACE is
// set, else off. For each head it reads or writes it calls
//
//     http::trace_head(trace, raw_head, http::Direction::received);  // nothing when off
//
// A test (or a program that logs elsewhere) sets the option to its own sink and sees the lines.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/message_head.hpp"
#include "http/outcome.hpp"

namespace wire::http {

// Which way the bytes went, seen from the program that prints the trace.
enum class Direction : std::uint8_t { received, sent };

// "recv" or "send": the word every trace line starts with after its layer.
[[nodiscard]] std::string_view direction_word(Direction d) noexcept;

// Whether the environment variable WIRE_TRACE is set to something other than "" or "0". Read
// once, on the first call (thread-safe), so flipping it later has no effect.
[[nodiscard]] bool trace_enabled() noexcept;

// Writes `text` (one or more lines; a final newline is added when missing) to standard error in
// a single call, so lines from different threads do not interleave mid-line.
void trace_write(std::string_view text) noexcept;

// Where trace lines go: called with whole lines (each ending in '\n', often several at once),
// possibly from several threads at a time (a server's loops and workers), so a sink must be
// thread-safe. An empty sink means tracing is off: the hot paths then pay one predictable branch
// and allocate nothing.
using TraceSink = std::function<void(std::string_view lines)>;

// The sink that writes to standard error (trace_write).
[[nodiscard]] TraceSink stderr_trace_sink();

// What every `trace` option starts as: stderr_trace_sink() when trace_enabled(), else empty.
[[nodiscard]] TraceSink default_trace_sink();

// If `sink` is set: sink(describe_head(raw, dir)). What a server or client calls for each head.
void trace_head(const TraceSink& sink, std::string_view raw, Direction dir) noexcept;

// The same for a head already parsed (a client's response: its raw bytes are gone by then).
void trace_head(const TraceSink& sink, const MessageHead& head, Direction dir) noexcept;

// If trace_enabled(): trace_write(describe_head(raw, dir)), for programs without an option.
void trace_head(std::string_view raw, Direction dir) noexcept;

// The head that `head` describes, one line per part, each starting "http recv | " or
// "http send | ". `head` is a parsed request (method set) or response (status set).
[[nodiscard]] std::string describe_head(const MessageHead& head, Direction dir);

// Parses `raw` (a request if it does not start with "HTTP/", else a response; bytes after the
// head are ignored) and describes it; when it does not parse, says where and why.
[[nodiscard]] std::string describe_head(std::string_view raw, Direction dir);

// What a well-known field is for, with its RFC section ("" for fields wire has no note about):
// field_note("content-length") == "the body is exactly this many bytes (RFC 9110 §8.6)".
[[nodiscard]] std::string_view field_note(std::string_view name) noexcept;

// The body framing in words: "no body", "a body of 12 bytes (Content-Length)", "a chunked body",
// "a body until the connection closes" (RFC 9112 §6.3).
[[nodiscard]] std::string describe_framing(const MessageHead& head);

// One line saying where a parse failed: the error's reason, the byte offset, and the status a
// server answers with (for a request), e.g.
// "error at byte 14: a CR was not followed by LF (RFC 9112 §2.2) -> 400 Bad Request".
[[nodiscard]] std::string describe_error(Error e, std::size_t offset, bool request);

}  // namespace wire::http
