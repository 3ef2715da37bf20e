// FrameReader: message assembly for RFC 6455 §5, "essentially only a parser" (after uWebSockets).
// It does no I/O and allocates nothing: the caller owns the bytes, FrameReader unmasks them in
// place and reports one event per call. A blocking Conn and an event-loop connection drive it
// the same way:
//
//     for (;;) {
//         auto [consumed, ev] = reader.consume(unread);   // unread: bytes read, not yet consumed
//         unread = unread.subspan(consumed);
//         if (ev.type == EventType::need_more) break;      // read more; keep `unread` in front
//         if (ev.type == EventType::error) { close with close_code_for(ev.error); break; }
//         handle(ev);                                      // ev.payload views `unread`'s old bytes
//     }
//
// Contract: bytes not consumed must be presented again, as consume() left them (it may have
// unmasked some in place), followed by new bytes. A payload view is valid until the caller
// reuses that part of its buffer.
//
// Two modes:
//  - message mode (default): one data event per whole frame. The frame must fit in the caller's
//    buffer; `need` says how much buffer that takes. An unfragmented message is one zero-copy view.
//    The text of a frame not yet whole is validated as it arrives all the same (RFC 6455 §8.1).
//  - streaming mode: payload is reported as it arrives, for messages larger than memory.
// In both, control frames (<= 125 bytes, RFC 6455 §5.5) are reported whole, so the buffer must
// hold at least min_buffer_size bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>

#include "websocket/close.hpp"
#include "websocket/frame.hpp"
#include "websocket/limits.hpp"
#include "websocket/mask.hpp"
#include "websocket/opcode.hpp"
#include "websocket/utf8.hpp"

namespace wire::websocket {

// The largest control frame: a 2-byte header, a 4-byte masking key and 125 bytes of payload.
inline constexpr std::size_t min_buffer_size = 2 + 4 + max_control_payload;

struct ReaderOptions {
    Role role = Role::server;  // a server reads masked client frames; a client unmasked ones
    Limits limits;
    bool streaming = false;        // report payload as it arrives instead of whole frames
    std::uint8_t allowed_rsv = 0;  // RSV bits of negotiated extensions (rsv1: permessage-deflate)
};

enum class EventType : std::uint8_t { need_more, data, control, error };

struct Event {
    EventType type = EventType::need_more;
    // data: the message's opcode (text or binary, also for its continuation frames);
    // control: close, ping or pong.
    Opcode opcode = Opcode::continuation;
    // data and control: unmasked payload bytes, a view into the caller's buffer.
    std::span<std::uint8_t> payload;
    bool message_begin = false;  // data: these are the first bytes of a message
    bool message_end = false;    // data: the message is complete after these bytes
    std::uint8_t rsv = 0;        // data: RSV bits of the message's first frame
    // data: these are the first bytes of a frame; control: always. FrameReader::frame_header()
    // is then that frame's header (trace mode prints one line per frame with it).
    bool frame_begin = false;
    ClosePayload close;     // control close: code (no_status when empty) and reason
    std::error_code error;  // error: what went wrong; see close_code_for()
    // need_more: how many bytes, counted from the start of the unconsumed input, must be
    // buffered before consume() can make progress.
    std::uint64_t need = 0;
};

struct ConsumeResult {
    std::size_t consumed = 0;
    Event event;
};

class FrameReader {
  public:
    explicit FrameReader(ReaderOptions options = {}) noexcept : options_(options) {}

    // Consumes at most one frame's worth of `buf` and reports one event. Unmasks in place.
    // After an error every call returns the same error (sticky).
    [[nodiscard]] ConsumeResult consume(std::span<std::uint8_t> buf) noexcept;

    // gorilla's SetReadLimit: applies from the next frame header on.
    void set_read_limit(std::uint64_t bytes) noexcept { options_.limits.max_message_size = bytes; }
    // Switching is allowed between frames (for example when next_reader starts a message).
    void set_streaming(bool on) noexcept { options_.streaming = on; }
    void set_allowed_rsv(std::uint8_t bits) noexcept { options_.allowed_rsv = bits; }

    [[nodiscard]] const ReaderOptions& options() const noexcept { return options_; }
    [[nodiscard]] bool in_message() const noexcept { return in_message_; }
    // Between messages, holding nothing a fresh reader with the same options would not: no
    // message or frame begun, no text checked ahead (which unmasked bytes in the caller's
    // buffer). A connection may then drop this reader and read on with a new one.
    [[nodiscard]] bool at_message_boundary() const noexcept {
        return !in_message_ && !in_payload_ && checked_ == 0;
    }
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    // The header of the frame the last data or control event came from (see Event::frame_begin).
    [[nodiscard]] const FrameHeader& frame_header() const noexcept { return frame_; }
    // Streaming mode: payload bytes of the current data frame not yet delivered (0 between
    // frames). Lets a blocking reader read a large payload straight into its destination.
    [[nodiscard]] std::uint64_t payload_remaining() const noexcept {
        return in_payload_ ? remaining_ : 0;
    }
    void reset() noexcept { *this = FrameReader(options_); }

  private:
    ConsumeResult on_header(std::span<std::uint8_t> buf) noexcept;
    ConsumeResult on_control(const FrameHeader& h, std::span<std::uint8_t> buf,
                             std::size_t header_bytes) noexcept;
    std::error_code check_data_frame(const FrameHeader& h) const noexcept;
    void begin_data_frame(const FrameHeader& h) noexcept;
    std::error_code check_ahead(const FrameHeader& h, std::span<std::uint8_t> arrived) noexcept;
    ConsumeResult deliver(std::span<std::uint8_t> bytes, std::size_t consumed_before) noexcept;
    ConsumeResult fail(std::error_code ec) noexcept;

    ReaderOptions options_;
    bool in_payload_ = false;      // streaming: between a data frame's header and its last byte
    FrameHeader frame_;            // the data frame being delivered, or the last control frame
    bool frame_begin_ = false;     // the next data event is the first of frame_'s payload
    std::uint64_t remaining_ = 0;  // its payload bytes not yet delivered
    std::size_t key_offset_ = 0;   // masking key position of the next payload byte
    // Message mode: payload bytes of the waiting frame that check_ahead unmasked and validated.
    std::size_t checked_ = 0;
    bool in_message_ = false;     // a data message has begun and not ended (RFC 6455 §5.4)
    bool begin_pending_ = false;  // the next data event is the message's first
    Opcode message_opcode_ = Opcode::binary;
    std::uint8_t message_rsv_ = 0;
    std::uint64_t message_size_ = 0;  // payload bytes of the message announced so far
    Utf8Validator utf8_;
    std::error_code error_;
};

}  // namespace wire::websocket
