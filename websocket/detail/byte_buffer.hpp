// A growable byte buffer, reused from message to message: no allocation once it has reached the
// working size, and never zero-filled (only the bytes written are read).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace wire::websocket::detail {

struct ByteBuffer {
    std::unique_ptr<std::uint8_t[]> data;
    std::size_t capacity = 0;
    std::size_t size = 0;

    void reserve(std::size_t n);  // keeps the first `size` bytes
    void append(std::span<const std::uint8_t> bytes);
    [[nodiscard]] std::span<std::uint8_t> room() noexcept {
        return {data.get() + size, capacity - size};
    }
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept {
        return {data.get(), size};
    }
};

}  // namespace wire::websocket::detail
