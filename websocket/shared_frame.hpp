// SharedFrame: one server frame (header and payload) encoded once into a reference-counted buffer,
// so that a broadcast to many connections on many loops shares the bytes instead of copying them
// (gorilla's PreparedMessage, uWebSockets' publish). Also what a LoopConn queues when the kernel
// cannot take a message at once.
//
// Copying a SharedFrame adds a reference (one atomic increment); the last copy frees the buffer.
// The bytes never change after make(), so any thread may read them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "websocket/opcode.hpp"

namespace wire::websocket {

class SharedFrame {
  public:
    SharedFrame() noexcept = default;
    // An unmasked server frame (RFC 6455 §5.1: a server never masks), fin set. Control opcodes
    // must carry at most 125 bytes (RFC 6455 §5.5): a longer payload is a programmer error.
    // `rsv`: RSV1 for a payload compressed with permessage-deflate (RFC 7692 §6). `fin` clear:
    // a fragment of a data message that more frames continue (RFC 6455 §5.4).
    static SharedFrame make(Opcode op, std::span<const std::uint8_t> payload, std::uint8_t rsv = 0,
                            bool fin = true);
    // Raw bytes already encoded (for example the rest of a frame the kernel took only part of).
    static SharedFrame copy_of(std::span<const std::uint8_t> bytes);

    SharedFrame(const SharedFrame& other) noexcept;
    SharedFrame(SharedFrame&& other) noexcept : block_(other.block_) { other.block_ = nullptr; }
    SharedFrame& operator=(SharedFrame other) noexcept {
        std::swap(block_, other.block_);
        return *this;
    }
    ~SharedFrame();

    explicit operator bool() const noexcept { return block_ != nullptr; }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return block_ ? block_->size : 0; }
    [[nodiscard]] std::uint32_t use_count() const noexcept {
        return block_ ? block_->refs.load(std::memory_order_relaxed) : 0;
    }

  private:
    struct Block {
        std::atomic<std::uint32_t> refs;
        std::size_t size;
        // the bytes follow the header in the same allocation
    };
    static Block* allocate(std::size_t size);
    std::uint8_t* data() const noexcept { return reinterpret_cast<std::uint8_t*>(block_ + 1); }

    Block* block_ = nullptr;
};

}  // namespace wire::websocket
