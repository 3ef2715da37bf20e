#include "websocket/detail/window_history.hpp"

#include <algorithm>
#include <cstring>

namespace wire::websocket::detail {

void WindowHistory::append(std::span<const std::uint8_t> in, int window_bits) {
    if (in.empty()) return;
    if (!data_) {
        size_ = std::uint32_t{1} << window_bits;
        data_ = std::make_unique_for_overwrite<std::uint8_t[]>(size_);
    }
    // A back-reference reaches 2^window_bits bytes at most (RFC 7692 §7.1.2): older bytes go.
    if (in.size() >= size_) {
        std::memcpy(data_.get(), in.data() + (in.size() - size_), size_);
        have_ = size_;
        return;
    }
    const auto n = static_cast<std::uint32_t>(in.size());
    const std::uint32_t keep = std::min(have_, size_ - n);
    if (keep < have_) std::memmove(data_.get(), data_.get() + (have_ - keep), keep);
    std::memcpy(data_.get() + keep, in.data(), n);
    have_ = keep + n;
}

}  // namespace wire::websocket::detail
