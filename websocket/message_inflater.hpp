// MessageInflater: the receiving half of permessage-deflate (RFC 7692 §7.2.2) for one
// connection, pure: compressed payload bytes in, message bytes out into memory the caller owns.
//
//     inflater.begin_message(/*text=*/true);
//     for each payload chunk of the message (the last one with last = true):
//         do { auto r = inflater.inflate(chunk, space, last); ... } while (more to do);
//     // inflater.message_done() once the whole message, tail included, is out
//
// What it adds to compress::Inflater:
//  - the 00 00 ff ff tail the sender removed (§7.2.1) is put back after the last payload byte;
//  - the message-size limit counts INFLATED bytes and is enforced while inflating: output stops
//    one byte past the limit (Error::message_too_big), so a small frame that would expand to
//    gigabytes costs the limit, never the expanded size (memory follows the bytes produced);
//  - text messages are checked as UTF-8 as they come out (§8.1, Error::invalid_utf8);
//  - context takeover (§7.2.3.2): the history stays between messages unless the peer said it
//    does not take over, and then the window is given back after each message.
// Bad DEFLATE data is Error::bad_compressed_data (1002).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <system_error>

#include "websocket/utf8.hpp"

namespace wire::compress {
class Inflater;
}

namespace wire::websocket {

struct InflateStep {
    std::size_t consumed = 0;  // compressed bytes used
    std::size_t produced = 0;  // message bytes written
    std::error_code error;     // sticky for this message: fail the connection
};

class MessageInflater {
  public:
    // `window_bits`: the peer's window (8..15, the negotiated *_max_window_bits); a
    // back-reference farther than that is an error. `no_context_takeover`: the peer resets
    // its history every message, so ours is dropped after each one.
    MessageInflater(int window_bits, bool no_context_takeover, std::uint64_t limit) noexcept;
    ~MessageInflater();
    MessageInflater(MessageInflater&&) noexcept;
    MessageInflater& operator=(MessageInflater&&) noexcept;

    void set_limit(std::uint64_t bytes) noexcept { limit_ = bytes; }
    // Without context takeover the window is given back after each message (an idle
    // connection then holds none), unless this inflater serves many (a loop's shared one).
    void keep_memory(bool keep) noexcept { keep_memory_ = keep; }
    // A new compressed message (its first frame had RSV1).
    void begin_message(bool text) noexcept;
    // After begin_message(): this message's back-references reach into `history`, the last
    // bytes of the stream (context takeover, §7.2.3.2, kept by the connection:
    // detail/window_history.hpp), not into this inflater's own past. For an inflater that
    // serves many connections (made with no_context_takeover).
    void set_history(std::span<const std::uint8_t> history) noexcept;
    // Inflates `in` (bytes of the message's payload, in order) into `out`. `last`: `in` ends
    // the message's payload. Call again with the bytes not consumed and more room while
    // neither message_done() nor an error; with last set and nothing left, pass an empty `in`.
    [[nodiscard]] InflateStep inflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                      bool last) noexcept;
    [[nodiscard]] bool message_done() const noexcept { return done_; }
    [[nodiscard]] std::uint64_t message_size() const noexcept { return produced_; }
    // Compressed bytes of this message taken so far (trace mode reports the ratio).
    [[nodiscard]] std::uint64_t message_input() const noexcept { return consumed_; }

    // The last bytes inflated (at most out.size()), what the next message could refer back
    // to: after a message, the history its connection keeps (WindowHistory::take_from).
    [[nodiscard]] std::size_t copy_history(std::span<std::uint8_t> out) const noexcept;
    [[nodiscard]] int window_bits() const noexcept { return window_bits_; }

    // Heap bytes held now (0 between messages without context takeover).
    [[nodiscard]] std::size_t memory_in_use() const noexcept;

  private:
    InflateStep fail(InflateStep r, std::error_code ec) noexcept;
    // A failure after `produced` came out: text checks those bytes first, so the verdict is the
    // message's first error in its own order, however the reads and the output space were cut.
    InflateStep fail_after(InflateStep r, std::span<const std::uint8_t> produced,
                           std::error_code ec) noexcept;
    void finish_message() noexcept;
    void create();

    std::unique_ptr<compress::Inflater> inflater_;  // created at the first compressed message
    int window_bits_;
    bool no_context_takeover_;
    std::uint64_t limit_;
    std::uint64_t produced_ = 0;  // bytes of this message so far
    std::uint64_t consumed_ = 0;  // compressed bytes of this message so far
    std::uint8_t tail_fed_ = 0;   // bytes of 00 00 ff ff given to the inflater
    bool stream_ended_ = false;   // the sender ended the DEFLATE stream (a BFINAL block)
    bool done_ = false;
    bool text_ = false;
    bool keep_memory_ = false;
    Utf8Validator utf8_;
};

}  // namespace wire::websocket
