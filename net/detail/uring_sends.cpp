#include "net/detail/uring_sends.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace wire::net::detail {

UringSends::~UringSends() {
    if (bytes_ != nullptr) ::munmap(bytes_, mapping_size);
}

bool UringSends::map() noexcept {
    void* p = ::mmap(nullptr, mapping_size, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;  // has_room() says no: sends go to the kernel at once
    bytes_ = static_cast<std::uint8_t*>(p);
    return true;
}

std::uint8_t* UringSends::extend(std::size_t size) noexcept {
    std::uint8_t* at = bytes_ + size_;
    size_ += size;
    high_ = std::max(high_, size_);
    return at;
}

// Only between passes (size_ == 0): pages of bytes still to be sent must not be dropped.
void UringSends::trim() noexcept {
    if (size_ != 0) return;
    if (bytes_ != nullptr && high_ > warm_bytes) {
        const std::size_t page = 4096;
        const std::size_t keep = (warm_bytes + page - 1) / page * page;
        (void)::madvise(bytes_ + keep, high_ - keep, MADV_DONTNEED);
    }
    high_ = size_;
}

void UringSends::queue(int fd, std::span<const iovec> buffers, bool queued_before) {
    std::size_t size = 0;
    for (const iovec& b : buffers)
        size += b.iov_len;
    const std::size_t at = size_;
    std::uint8_t* out = extend(size);
    for (const iovec& b : buffers) {
        if (b.iov_len == 0) continue;  // its base may be null
        std::memcpy(out, b.iov_base, b.iov_len);
        out += b.iov_len;
    }
    if (queued_before && !segments_.empty() && segments_.back().fd == fd) {
        segments_.back().length += static_cast<std::uint32_t>(size);
        return;
    }
    if (queued_before) gather_ = true;
    segments_.push_back({fd, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(size)});
}

void UringSends::gather() {
    if (!gather_) return;
    gather_ = false;
    // Stable: each fd's segments keep their order. Then the segments of an fd that has several
    // are copied one after the other to the arena's end, so that one send carries them all.
    std::stable_sort(segments_.begin(), segments_.end(),
                     [](const Segment& a, const Segment& b) { return a.fd < b.fd; });
    merged_.clear();
    for (std::size_t i = 0; i < segments_.size();) {
        std::size_t j = i + 1;
        while (j < segments_.size() && segments_[j].fd == segments_[i].fd)
            ++j;
        if (j - i == 1) {
            merged_.push_back(segments_[i]);
        } else {
            std::size_t total = 0;
            for (std::size_t k = i; k < j; ++k)
                total += segments_[k].length;
            const std::size_t at = size_;
            std::uint8_t* out = extend(total);
            for (std::size_t k = i; k < j; ++k) {
                std::memcpy(out, bytes_ + segments_[k].offset, segments_[k].length);
                out += segments_[k].length;
            }
            merged_.push_back({segments_[i].fd, static_cast<std::uint32_t>(at),
                               static_cast<std::uint32_t>(total)});
        }
        i = j;
    }
    segments_.swap(merged_);
}

}  // namespace wire::net::detail
