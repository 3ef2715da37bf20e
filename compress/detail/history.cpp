#include "compress/detail/history.hpp"

#include <algorithm>
#include <cstring>

namespace wire::compress::detail {

void History::set_window_bits(int window_bits) noexcept {
    const auto size = std::uint32_t{1} << window_bits;
    if (size != size_) data_.reset();
    size_ = size;
    clear();
}

void History::append(const std::uint8_t* p, std::size_t n) noexcept {
    if (n == 0) return;
    if (!data_) data_ = std::make_unique<std::uint8_t[]>(size_);
    if (n >= size_) {  // only the last size_ bytes can ever be reached
        std::memcpy(data_.get(), p + (n - size_), size_);
        next_ = 0;
        have_ = size_;
        return;
    }
    const auto count = static_cast<std::uint32_t>(n);
    const std::uint32_t first = std::min(count, size_ - next_);  // up to the end of the buffer
    std::memcpy(data_.get() + next_, p, first);
    std::memcpy(data_.get(), p + first, count - first);  // the rest wraps to the start
    next_ = (next_ + count) & (size_ - 1);
    have_ = std::min(size_, have_ + count);
}

void History::release_memory() noexcept {
    data_.reset();
    clear();
}

void History::copy_out(std::uint8_t* dst, std::uint32_t back, std::uint32_t n) const noexcept {
    const std::uint32_t from = (next_ - back) & (size_ - 1);
    const std::uint32_t first = std::min(n, size_ - from);
    std::memcpy(dst, data_.get() + from, first);
    std::memcpy(dst + first, data_.get(), n - first);
}

std::uint32_t copy_match(Output& out, const History& history, std::uint32_t distance,
                         std::uint32_t length) noexcept {
    length = static_cast<std::uint32_t>(std::min<std::size_t>(length, out.space()));
    std::uint32_t copied = 0;
    const std::size_t written = out.written();
    if (distance > written) {
        // The match starts in the history: `back` bytes before this call's output.
        const auto back = static_cast<std::uint32_t>(distance - written);
        copied = std::min(length, back);
        history.copy_out(out.next, back, copied);
        out.next += copied;
    }
    // The rest comes from this call's output. Byte by byte on purpose: when the distance is
    // shorter than the length, the copy reads bytes it has just written (§3.2.3's "X" example).
    const std::uint8_t* from = out.next - distance;
    for (; copied < length; ++copied)
        *out.next++ = *from++;
    return length;
}

}  // namespace wire::compress::detail
