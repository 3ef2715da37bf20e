// WindowHistory: the last bytes of one direction of a permessage-deflate stream, all that a
// connection with context takeover keeps between messages (RFC 7692 §7.2.3.2: the next message
// may refer back up to 2^window_bits bytes, §7.1.2). The codecs that use it (the inflater's
// decoding tables, the deflater's hash tables, the buffers they work in) belong to the event
// loop: a message starts by handing them this history, and what it adds is appended here.
//
//     d.set_history(history.bytes());    // the loop's deflater starts from this stream's past
//     ... compress the message ...
//     history.append(message, bits);     // the message is now the past
//
// Exactly 2^window_bits bytes once the first byte arrives, none before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace wire::websocket::detail {

class WindowHistory {
  public:
    // The history, oldest byte first (at most 2^window_bits bytes).
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept {
        return {data_.get(), have_};
    }
    [[nodiscard]] bool empty() const noexcept { return have_ == 0; }

    // Keeps the last 2^window_bits bytes of what was followed by `in`. `window_bits` is the same
    // at every call (the negotiated window, 8..15).
    void append(std::span<const std::uint8_t> in, int window_bits);

    // Replaces the history with the last bytes of `codec` (a MessageDeflater or
    // MessageInflater that ran a message from this history: its copy_history()), so that a
    // message read or written in any number of pieces costs one copy at its end.
    template <class Codec>
    void take_from(const Codec& codec, int window_bits) {
        if (!data_) {
            size_ = std::uint32_t{1} << window_bits;
            data_ = std::make_unique_for_overwrite<std::uint8_t[]>(size_);
        }
        have_ = static_cast<std::uint32_t>(codec.copy_history({data_.get(), size_}));
    }

    // Forgets the history and gives its memory back.
    void clear() noexcept {
        data_.reset();
        size_ = have_ = 0;
    }

    // Heap bytes held: 2^window_bits once anything was appended, else 0.
    [[nodiscard]] std::size_t memory_in_use() const noexcept { return data_ ? size_ : 0; }

  private:
    std::unique_ptr<std::uint8_t[]> data_;
    std::uint32_t size_ = 0;  // 2^window_bits, once allocated
    std::uint32_t have_ = 0;
};

}  // namespace wire::websocket::detail
