// ByteBuffer: a growable byte buffer that costs one pointer and no heap while empty. Connections
// hold their partial input and unsent output in these, so an idle connection owns no buffer and
// pays 8 bytes for each: the size and the capacity live in the heap block, in front of the bytes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace wire::http::detail {

class ByteBuffer {
  public:
    ByteBuffer() = default;
    ByteBuffer(const ByteBuffer&) = delete;
    ByteBuffer& operator=(const ByteBuffer&) = delete;
    ~ByteBuffer() { std::free(block_); }

    [[nodiscard]] char* data() noexcept { return block_ ? bytes() : nullptr; }
    [[nodiscard]] const char* data() const noexcept {
        return block_ ? const_cast<ByteBuffer*>(this)->bytes() : nullptr;
    }
    [[nodiscard]] std::size_t size() const noexcept { return block_ ? block_->size : 0; }
    [[nodiscard]] std::size_t capacity() const noexcept { return block_ ? block_->cap : 0; }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }
    [[nodiscard]] std::string_view view() const noexcept { return {data(), size()}; }

    // Room for at least `n` bytes in total.
    void reserve(std::size_t n) {
        const std::size_t have = capacity();
        if (n <= have) return;
        // Blocks of powers of two (from 1 KiB), header included: the allocator's own sizes.
        std::size_t block = have == 0 ? 1024 : have + sizeof(Header);
        while (block < n + sizeof(Header))
            block *= 2;
        const std::size_t cap = block - sizeof(Header);
        const std::size_t size = this->size();
        void* p = std::realloc(block_, block);
        if (p == nullptr) throw std::bad_alloc();
        block_ = static_cast<Header*>(p);
        block_->size = static_cast<std::uint32_t>(size);
        block_->cap = static_cast<std::uint32_t>(cap);
    }
    void append(std::string_view bytes) {
        reserve(size() + bytes.size());
        if (bytes.empty()) return;
        std::memcpy(bytes_at(block_->size), bytes.data(), bytes.size());
        block_->size += static_cast<std::uint32_t>(bytes.size());
    }
    // `bytes` must not point into this buffer.
    void assign(std::string_view bytes) {
        if (block_) block_->size = 0;
        append(bytes);
    }
    // After writing `n` bytes behind size() (within capacity()).
    void grow_by(std::size_t n) noexcept {
        if (block_) block_->size += static_cast<std::uint32_t>(n);
    }
    void erase_front(std::size_t n) noexcept {
        if (!block_) return;
        if (n >= block_->size) {
            block_->size = 0;
            return;
        }
        std::memmove(bytes(), bytes() + n, block_->size - n);
        block_->size -= static_cast<std::uint32_t>(n);
    }
    // Empties the buffer and gives its memory back.
    void release() noexcept {
        std::free(block_);
        block_ = nullptr;
    }

  private:
    struct Header {
        std::uint32_t size;
        std::uint32_t cap;
    };
    char* bytes() noexcept { return reinterpret_cast<char*>(block_ + 1); }
    char* bytes_at(std::size_t at) noexcept { return bytes() + at; }

    Header* block_ = nullptr;
};

static_assert(sizeof(ByteBuffer) == sizeof(void*));

}  // namespace wire::http::detail
