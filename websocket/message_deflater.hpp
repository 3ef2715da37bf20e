// MessageDeflater: the sending half of permessage-deflate (RFC 7692 §7.2.1) for one connection,
// pure: message bytes in, the compressed payload out into memory the caller owns.
//
//     auto r = deflater.deflate(message, space, /*last=*/true);  // r.done: space[0, r.produced)
//                                                                // is the whole payload
//
// What it adds to compress::Deflater: each message ends with a sync flush whose 00 00 ff ff
// tail is removed (§7.2.1), so output lags input by those four bytes, which are held back until
// it is known whether they are the tail; the history is dropped after each message when this
// side does not take over its context (§7.1.1); the window is the negotiated one (§7.1.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace wire::compress {
class Deflater;
class DeflateTables;
}  // namespace wire::compress

namespace wire::websocket {

struct DeflateStep {
    std::size_t consumed = 0;  // message bytes taken
    std::size_t produced = 0;  // payload bytes written
    bool done = false;         // `last` was set and the message's payload is complete
};

class MessageDeflater {
  public:
    // `tables`, when given, are borrowed for every call (one per thread or loop: the match
    // finder's hash tables are scratch) and must outlive this object.
    MessageDeflater(int window_bits, bool no_context_takeover, int level,
                    compress::DeflateTables* tables = nullptr) noexcept;
    ~MessageDeflater();
    MessageDeflater(MessageDeflater&&) noexcept;
    MessageDeflater& operator=(MessageDeflater&&) noexcept;

    // Compresses `in` into `out` (at least 8 bytes). `last`: `in` ends the message. Call again
    // with the bytes not consumed (the same `last`) while !done and input or output remains.
    [[nodiscard]] DeflateStep deflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                      bool last) noexcept;

    // Starts the next message from `history`, the last bytes this stream sent (context
    // takeover, RFC 7692 §7.2.3.2, kept by the connection: detail/window_history.hpp), instead
    // of where this deflater's own stream stands. For a deflater that serves many connections
    // (made with no_context_takeover), between messages.
    void set_history(std::span<const std::uint8_t> history);

    // The last bytes of this stream (at most out.size()), what the next message could refer
    // back to: after a message, the history its connection keeps (WindowHistory::take_from).
    [[nodiscard]] std::size_t copy_history(std::span<std::uint8_t> out) const noexcept;

    void set_level(int level);  // 0..9; from the next message
    [[nodiscard]] int level() const noexcept { return level_; }
    [[nodiscard]] int window_bits() const noexcept { return window_bits_; }

    // Room for the payload of an n-byte message compressed in one call.
    [[nodiscard]] static std::size_t bound(std::size_t n) noexcept;
    // Heap bytes held now (the stream's window; 0 before the first message).
    [[nodiscard]] std::size_t memory_in_use() const noexcept;

  private:
    void create();

    std::unique_ptr<compress::Deflater> deflater_;  // created at the first message
    compress::DeflateTables* tables_;
    int window_bits_;
    bool no_context_takeover_;
    int level_;
    bool level_changed_ = false;
    std::uint8_t held_[4] = {};  // the last bytes produced, possibly the tail
    std::uint8_t held_len_ = 0;
};

}  // namespace wire::websocket
