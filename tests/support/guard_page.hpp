// A buffer whose last byte sits right before an inaccessible page (STYLE.md §15, after
// picohttpparser's tests): a codec that reads one byte past the input crashes the test.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string_view>

namespace wire::test {

class GuardedBuffer {
public:
    explicit GuardedBuffer(std::string_view content) : size_(content.size()) {
        const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
        const std::size_t data_pages = (size_ + page - 1) / page + 1;
        mapped_ = (data_pages + 1) * page;
        void* base = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED) throw std::runtime_error("mmap failed");
        base_ = static_cast<std::uint8_t*>(base);
        // The page after the data is made inaccessible.
        mprotect(base_ + data_pages * page, page, PROT_NONE);
        data_ = base_ + data_pages * page - size_;
        if (size_ > 0) std::memcpy(data_, content.data(), size_);
    }
    GuardedBuffer(const GuardedBuffer&) = delete;
    GuardedBuffer& operator=(const GuardedBuffer&) = delete;
    ~GuardedBuffer() { munmap(base_, mapped_); }

    std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }
    std::span<std::uint8_t> bytes() { return {data_, size_}; }
    char* data() { return reinterpret_cast<char*>(data_); }
    std::size_t size() const { return size_; }

private:
    std::uint8_t* base_ = nullptr;
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t mapped_ = 0;
};

}  // namespace wire::test
