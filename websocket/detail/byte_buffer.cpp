#include "websocket/detail/byte_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace wire::websocket::detail {

void ByteBuffer::reserve(std::size_t n) {
    if (n <= capacity) return;
    const std::size_t cap = std::max(n, capacity * 2);
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
    if (size > 0) std::memcpy(bigger.get(), data.get(), size);
    data = std::move(bigger);
    capacity = cap;
}

void ByteBuffer::append(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    reserve(size + bytes.size());
    std::memcpy(data.get() + size, bytes.data(), bytes.size());
    size += bytes.size();
}

}  // namespace wire::websocket::detail
