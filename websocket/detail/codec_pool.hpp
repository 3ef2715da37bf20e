// The permessage-deflate codecs of the blocking Conn, lent for one message at a time, so that a
// connection keeps only its history windows between messages (detail/window_history.hpp; none
// without context takeover), and the codecs' hash tables, decoding tables, windows and output
// buffers belong to the thread, as LoopCodecs' belong to the event loop.
//
//     auto d = take_deflater(window_bits, level);   // the message begins
//     d->set_history(history.bytes());              // from the connection's past (or none)
//     ... d->deflate(...) until done ...
//     history.take_from(*d, window_bits);           // context takeover: the message is the past
//     give_back(std::move(d));                      // the message ends
//
// Each thread keeps its own idle codecs (thread_local, no lock). A codec is taken when a message
// begins and given back when it ends, to the pool of whatever thread that is (gorilla lets a
// message be read or written from one thread after another). A codec is therefore never shared
// while a message is open: fibers on one thread (net/fiber.hpp) that park in the middle of a
// message each hold their own. A thread keeps at most `pool_depth` idle codecs of each kind and
// window size, and at most `pool_depth` buffers of up to `max_pooled_buffer` bytes; more are
// freed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "websocket/detail/byte_buffer.hpp"
#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"

namespace wire::websocket::detail {

inline constexpr std::size_t pool_depth = 4;
inline constexpr std::size_t max_pooled_buffer = 256 * 1024;

// A deflater for `window_bits` at `level`, which keeps its stream between calls until the next
// set_history() (call it when the message begins: from the connection's history, or from none).
std::unique_ptr<MessageDeflater> take_deflater(int window_bits, int level);
// An inflater for `window_bits` limited to `limit` inflated bytes per message, which keeps its
// history after a message until the next set_history() (call it after begin_message()).
std::unique_ptr<MessageInflater> take_inflater(int window_bits, std::uint64_t limit);
// A buffer of at least `size` bytes (its contents undefined).
ByteBuffer take_buffer(std::size_t size);

void give_back(std::unique_ptr<MessageDeflater> deflater) noexcept;
void give_back(std::unique_ptr<MessageInflater> inflater) noexcept;
void give_back(ByteBuffer buffer) noexcept;

// Heap bytes of this thread's idle codecs and buffers, and a way to free them (a thread done
// with WebSocket work; tests that count what a connection holds).
[[nodiscard]] std::size_t pooled_memory() noexcept;
void release_pooled() noexcept;

}  // namespace wire::websocket::detail
