// ByteBuffer: a growable byte buffer that costs 16 bytes and no heap while empty. Connections
// hold their partial input and unsent output in these, so an idle connection owns no buffer.
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
    ~ByteBuffer() { std::free(data_); }

    [[nodiscard]] char* data() noexcept { return data_; }
    [[nodiscard]] const char* data() const noexcept { return data_; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] std::size_t capacity() const noexcept { return cap_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    [[nodiscard]] std::string_view view() const noexcept { return {data_, size_}; }

    // Room for at least `n` bytes in total.
    void reserve(std::size_t n) {
        if (n <= cap_) return;
        std::size_t cap = cap_ == 0 ? 1024 : cap_;
        while (cap < n)
            cap *= 2;
        void* p = std::realloc(data_, cap);
        if (p == nullptr) throw std::bad_alloc();
        data_ = static_cast<char*>(p);
        cap_ = static_cast<std::uint32_t>(cap);
    }
    void append(std::string_view bytes) {
        reserve(size_ + bytes.size());
        if (!bytes.empty()) std::memcpy(data_ + size_, bytes.data(), bytes.size());
        size_ += static_cast<std::uint32_t>(bytes.size());
    }
    // `bytes` must not point into this buffer.
    void assign(std::string_view bytes) {
        size_ = 0;
        append(bytes);
    }
    void grow_by(std::size_t n) noexcept { size_ += static_cast<std::uint32_t>(n); }
    void erase_front(std::size_t n) noexcept {
        if (n >= size_) {
            size_ = 0;
            return;
        }
        std::memmove(data_, data_ + n, size_ - n);
        size_ -= static_cast<std::uint32_t>(n);
    }
    // Empties the buffer and gives its memory back.
    void release() noexcept {
        std::free(data_);
        data_ = nullptr;
        size_ = cap_ = 0;
    }

  private:
    char* data_ = nullptr;
    std::uint32_t size_ = 0;
    std::uint32_t cap_ = 0;
};

}  // namespace wire::http::detail
