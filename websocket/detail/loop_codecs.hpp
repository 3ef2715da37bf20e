// LoopCodecs: the permessage-deflate state an event loop shares among its connections, so that
// a compressing connection keeps only its history windows (detail/window_history.hpp; one
// without context takeover keeps nothing): the match finder's hash tables, one deflater and one
// inflater per window size, each message starting from an empty history or from the history
// its connection hands over, and scratch buffers for what they produce. Created with the
// loop's first compressed message; touched by the loop's thread only.
// wire:glue
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "compress/deflater.hpp"
#include "websocket/detail/byte_buffer.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"

namespace wire::websocket::detail {

class LoopCodecs {
  public:
    compress::DeflateTables tables;

    // A deflater for whole messages at `window_bits`, at `level`: each starts afresh, or from
    // the history given to MessageDeflater::set_history().
    MessageDeflater& fresh_deflater(int window_bits, int level);
    // An inflater for whole messages: each starts afresh, or from the history given to
    // MessageInflater::set_history().
    MessageInflater& fresh_inflater(int window_bits, std::uint64_t limit);

    // Compresses a whole message with `d` into the deflate scratch; the view lives until the
    // next compress().
    std::span<const std::uint8_t> compress(MessageDeflater& d, std::span<const std::uint8_t> in);

    ByteBuffer inflated;  // a whole message inflated, handed to on_message as a view
    ByteBuffer deflated;  // compress()'s output

  private:
    std::array<std::unique_ptr<MessageDeflater>, 8> deflaters_;
    std::array<std::unique_ptr<MessageInflater>, 8> inflaters_;
};

}  // namespace wire::websocket::detail
