#include "websocket/detail/codec_pool.hpp"

#include <array>
#include <utility>

namespace wire::websocket::detail {

namespace {

// Up to pool_depth idle items, without allocating to keep one (give_back is noexcept).
template <class T>
struct Shelf {
    std::array<T, pool_depth> items{};
    std::size_t count = 0;

    bool put(T& item) noexcept {
        if (count == pool_depth) return false;
        items[count++] = std::move(item);
        return true;
    }
    T take() noexcept { return count == 0 ? T{} : std::move(items[--count]); }
};

constexpr int kinds = 8;  // window bits 8..15 (RFC 7692 §7.1.2.1)

struct Pool {
    std::array<Shelf<std::unique_ptr<MessageDeflater>>, kinds> deflaters;
    std::array<Shelf<std::unique_ptr<MessageInflater>>, kinds> inflaters;
    Shelf<ByteBuffer> buffers;
};

thread_local Pool pool;

std::size_t slot(int window_bits) noexcept {
    return static_cast<std::size_t>(window_bits - 8);
}

}  // namespace

std::unique_ptr<MessageDeflater> take_deflater(int window_bits, int level) {
    auto d = pool.deflaters[slot(window_bits)].take();
    // Context takeover off for the codec itself: the connection decides at each set_history(),
    // and a finished message's history stays for take_from() to copy.
    if (!d) d = std::make_unique<MessageDeflater>(window_bits, false, level);
    d->set_level(level);
    return d;
}

std::unique_ptr<MessageInflater> take_inflater(int window_bits, std::uint64_t limit) {
    auto i = pool.inflaters[slot(window_bits)].take();
    if (!i) i = std::make_unique<MessageInflater>(window_bits, false, limit);
    i->set_limit(limit);
    return i;
}

ByteBuffer take_buffer(std::size_t size) {
    ByteBuffer b = pool.buffers.take();
    if (b.capacity < size) {
        b.size = 0;
        b.reserve(size);
    }
    b.size = 0;
    return b;
}

void give_back(std::unique_ptr<MessageDeflater> deflater) noexcept {
    if (deflater) (void)pool.deflaters[slot(deflater->window_bits())].put(deflater);
}

void give_back(std::unique_ptr<MessageInflater> inflater) noexcept {
    if (inflater) (void)pool.inflaters[slot(inflater->window_bits())].put(inflater);
}

void give_back(ByteBuffer buffer) noexcept {
    // A buffer that grew for a large message is not kept idle.
    if (buffer.data && buffer.capacity <= max_pooled_buffer) (void)pool.buffers.put(buffer);
}

std::size_t pooled_memory() noexcept {
    std::size_t n = 0;
    for (const auto& shelf : pool.deflaters) {
        for (std::size_t k = 0; k < shelf.count; ++k)
            n += sizeof(MessageDeflater) + shelf.items[k]->memory_in_use();
    }
    for (const auto& shelf : pool.inflaters) {
        for (std::size_t k = 0; k < shelf.count; ++k)
            n += sizeof(MessageInflater) + shelf.items[k]->memory_in_use();
    }
    for (std::size_t k = 0; k < pool.buffers.count; ++k)
        n += pool.buffers.items[k].capacity;
    return n;
}

void release_pooled() noexcept {
    pool = Pool{};
}

}  // namespace wire::websocket::detail
