// wire:glue
// Conn: a blocking WebSocket connection over a net::Conn, gorilla/websocket's Conn in C++.
// A thread per connection reads and writes messages; the Upgrader (server) and the Dialer
// (client) produce it once the opening handshake is done.
//
//     for (;;) {
//         auto msg = conn.read_message();            // blocks; the view lives until the next read
//         if (!msg) break;                           // a CloseError code or another error
//         if (auto r = conn.write_message(msg->type, msg->data); !r) break;
//     }
//     conn.close();                                  // closing handshake, then the socket
//
// Concurrency (gorilla's contract, checked with assert): at most one thread reads (read_message,
// next_reader and its MessageReader) and at most one thread writes data (write_message,
// next_writer) at a time; a reader and a writer may run concurrently. write_control, close(),
// abort() and the deadline setters are safe from any thread.
//
// Errors are values. A read that fails makes every later read fail the same way (sticky): a
// received close frame as close_category() code (see close_error.hpp), a connection that ended
// without one as 1006, a protocol error as websocket::Error (after sending the matching close
// code, RFC 6455 §7.1.7), a deadline as net::Error::timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/trace.hpp"
#include "net/conn.hpp"
#include "net/result.hpp"
#include "websocket/close.hpp"
#include "websocket/close_error.hpp"
#include "websocket/deflate_params.hpp"
#include "websocket/opcode.hpp"

namespace wire::websocket {

using net::Result;
using Clock = std::chrono::steady_clock;

// gorilla's WriteBufferPool: write buffers shared by many connections. A Conn holds one only
// while it writes a message and gives it back after, so thousands of mostly idle connections
// share a few buffers. (A server's write_message needs none: it sends the caller's bytes with
// writev; clients, which must mask a copy, and MessageWriter do.) Safe from any thread.
class WriteBufferPool {
  public:
    // At least 256 bytes: a buffer must hold a frame header and some payload.
    explicit WriteBufferPool(std::size_t buffer_size = 4096)
        : size_(buffer_size < 256 ? 256 : buffer_size) {}
    [[nodiscard]] std::size_t buffer_size() const noexcept { return size_; }
    std::unique_ptr<std::uint8_t[]> get();
    void put(std::unique_ptr<std::uint8_t[]> buffer);
    [[nodiscard]] std::size_t idle() const;  // buffers waiting in the pool

  private:
    std::size_t size_;
    mutable std::mutex mu_;
    std::vector<std::unique_ptr<std::uint8_t[]>> free_;
};

// gorilla's defaults: 4096-byte buffers, 16 MiB read limit (ours; gorilla has none by default).
struct ConnOptions {
    Role role = Role::server;
    std::size_t read_buffer_size = 4096;   // at least 131 bytes (a whole control frame)
    std::size_t write_buffer_size = 4096;  // ignored with a pool: its buffer_size() counts
    std::shared_ptr<WriteBufferPool> write_buffer_pool;  // none: the Conn keeps its own buffer
    std::uint64_t read_limit = 16 * 1024 * 1024;         // RFC 6455 §10.4; over it: 1009
    std::string_view already_read;  // bytes read past the handshake; served first (copied)
    std::string subprotocol;        // what the handshake agreed on, for subprotocol()
    std::uint8_t allowed_rsv = 0;   // RSV bits of negotiated extensions (deflate adds rsv1)
    // permessage-deflate (RFC 7692), when the handshake agreed on it, and this endpoint's
    // level and threshold for what it sends.
    std::optional<DeflateParams> deflate;
    CompressionOptions compression;
    // Trace mode (websocket/trace.hpp): one annotated line per frame read or written. Empty
    // (off) unless set; the Upgrader and the Dialer pass on their own `trace`.
    http::TraceSink trace;
};

// A whole message. `data` views the Conn's buffers: valid until the next read call.
struct Message {
    Opcode type = Opcode::text;  // text or binary
    std::span<const std::uint8_t> data;
    [[nodiscard]] std::string_view text() const noexcept {
        return {reinterpret_cast<const char*>(data.data()), data.size()};
    }
};

namespace detail {
struct ConnState;
}

// The bytes of one message as they arrive (gorilla's NextReader io.Reader). Valid until the next
// next_reader/read_message call.
class MessageReader {
  public:
    [[nodiscard]] Opcode type() const noexcept { return type_; }
    // Up to `size` bytes of the message; 0 at its end.
    Result<std::size_t> read(void* data, std::size_t size);

  private:
    friend class Conn;
    MessageReader(detail::ConnState* s, Opcode t, std::uint64_t seq) noexcept
        : s_(s), type_(t), seq_(seq) {}
    detail::ConnState* s_;
    Opcode type_;
    std::uint64_t seq_;
};

// A message written in pieces (gorilla's NextWriter io.WriteCloser): bytes gather in the write
// buffer and leave as a fragment each time it fills (RFC 6455 §5.4); close() sends the final
// fragment. The destructor closes a writer that was not closed, ignoring errors.
class MessageWriter {
  public:
    MessageWriter(MessageWriter&& other) noexcept;
    MessageWriter& operator=(MessageWriter&&) = delete;
    ~MessageWriter();

    Result<std::size_t> write(const void* data, std::size_t size);
    Result<std::size_t> write(std::string_view text) { return write(text.data(), text.size()); }
    Result<void> close();

  private:
    friend class Conn;
    MessageWriter(detail::ConnState* s, Opcode t, bool compressed) noexcept
        : s_(s), type_(t), compressed_(compressed) {}
    detail::ConnState* s_;
    Opcode type_;      // of the next frame: the message type, then continuation
    bool compressed_;  // permessage-deflate: the message's frames carry DEFLATE data
};

class Conn {
  public:
    // Handlers, gorilla's defaults: a ping is answered with a pong carrying its payload; a pong
    // is ignored; a close is echoed with the same code (RFC 6455 §5.5.1) unless we sent one.
    // They run on the reading thread, inside a read call; the views die when they return.
    // An error a handler returns ends the read with that error.
    using PingHandler = std::function<std::error_code(std::span<const std::uint8_t> payload)>;
    using CloseHandler = std::function<std::error_code(std::uint16_t code, std::string_view)>;

    Conn() noexcept;  // empty: only assignment and destruction
    Conn(net::Conn conn, ConnOptions options);
    Conn(Conn&&) noexcept;
    Conn& operator=(Conn&&) noexcept;
    ~Conn();  // abort()s a connection that was not closed

    // ---- reading (one reader at a time)
    Result<Message> read_message();
    // Starts the next data message; the rest of an unfinished one is discarded first.
    Result<MessageReader> next_reader();
    void set_read_limit(std::uint64_t bytes) noexcept;
    void set_read_deadline(Clock::time_point t);  // safe from any thread; cancels a blocked read

    // ---- writing (one data writer at a time)
    Result<void> write_message(Opcode type, std::span<const std::uint8_t> data);
    Result<void> write_message(Opcode type, std::string_view data) {
        return write_message(type,
                             {reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
    }
    Result<MessageWriter> next_writer(Opcode type);
    // A close, ping or pong frame, from any thread, concurrently with the writer. Waits for the
    // writer no later than `deadline`, and the frame's own write is bounded by it too.
    Result<void> write_control(Opcode type, std::span<const std::uint8_t> payload,
                               Clock::time_point deadline);
    Result<void> write_control(Opcode type, std::string_view payload, Clock::time_point deadline) {
        return write_control(
            type, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
            deadline);
    }
    void set_write_deadline(Clock::time_point t);  // safe from any thread
    // permessage-deflate (RFC 7692), when the handshake agreed on it: gorilla's
    // EnableWriteCompression (on by default then; off sends every message uncompressed, which
    // a peer must accept, §6) and SetCompressionLevel (0 stores .. 9 best; 1 by default). For
    // the writer's thread, between messages.
    void enable_write_compression(bool on) noexcept;
    std::error_code set_compression_level(int level);

    // ---- handlers (set them before reading starts; nullptr restores the default)
    void set_ping_handler(PingHandler h);
    void set_pong_handler(PingHandler h);
    void set_close_handler(CloseHandler h);

    // ---- ending
    // The closing handshake (RFC 6455 §7.1.2): sends a close frame with `code` and `reason`,
    // waits up to `timeout` for the peer's close (reading and discarding data if no other thread
    // is reading, else letting that reader see it), then closes the socket. Safe from any thread;
    // a second call does nothing. Returns net::Error::timeout when the peer did not answer.
    std::error_code close(std::uint16_t code = close_code::normal, std::string_view reason = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(2));
    // Closes the socket now, without a close frame (blocked calls fail with net::Error::closed).
    void abort() noexcept;

    // ---- state
    // The close frame received from the peer (code 0 when none), or 1006 after an EOF.
    [[nodiscard]] CloseError close_error() const;
    [[nodiscard]] const std::string& subprotocol() const noexcept;
    // What permessage-deflate runs with, or nullptr when it was not negotiated.
    [[nodiscard]] const DeflateParams* compression() const noexcept;
    [[nodiscard]] Role role() const noexcept;
    // What this connection holds in user-space memory now: its state, its buffers and, with
    // permessage-deflate, its history windows and any codec lent to it for a message in
    // progress (not the socket's kernel buffers). While no other thread reads or writes.
    [[nodiscard]] std::size_t memory_usage() const noexcept;
    [[nodiscard]] bool valid() const noexcept { return s_ != nullptr; }
    // The socket, for addresses and options; reading or writing it directly breaks the framing.
    [[nodiscard]] net::Conn& net_conn() noexcept;

  private:
    std::unique_ptr<detail::ConnState> s_;
};

}  // namespace wire::websocket
