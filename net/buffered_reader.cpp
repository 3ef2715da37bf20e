#include "net/buffered_reader.hpp"

#include <algorithm>
#include <cstring>

#include "net/error.hpp"

namespace wire::net {

BufferedReader::BufferedReader(Conn& conn, std::size_t capacity)
    : conn_(&conn),
      capacity_(std::max<std::size_t>(capacity, 16)),
      buf_(std::make_unique_for_overwrite<char[]>(capacity_)) {}

BufferedReader::BufferedReader(Conn& conn, std::string_view already_read, std::size_t capacity)
    : BufferedReader(conn, std::max(capacity, already_read.size())) {
    if (!already_read.empty()) std::memcpy(buf_.get(), already_read.data(), already_read.size());
    end_ = already_read.size();
}

std::error_code BufferedReader::fill() {
    if (start_ > 0) {  // slide unread bytes to the front so the free space is one tail
        std::memmove(buf_.get(), buf_.get() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
    }
    if (end_ == capacity_) return Error::buffer_full;
    auto n = conn_->read(buf_.get() + end_, capacity_ - end_);
    if (!n) return n.error();
    if (*n == 0) return end_ == 0 ? Error::eof : Error::unexpected_eof;
    end_ += *n;
    return {};
}

Result<std::string_view> BufferedReader::peek(std::size_t n) {
    if (n > capacity_) return Error::buffer_full;
    while (end_ - start_ < n) {
        if (auto ec = fill()) return ec;
    }
    return std::string_view(buf_.get() + start_, n);
}

Result<std::size_t> BufferedReader::read(void* data, std::size_t size) {
    if (size == 0) return std::size_t{0};
    if (start_ == end_) {
        start_ = end_ = 0;
        // A large read gains nothing from a copy through the buffer.
        if (size >= capacity_) return conn_->read(data, size);
        auto n = conn_->read(buf_.get(), capacity_);
        if (!n) return n.error();
        end_ = *n;
    }
    const std::size_t take = std::min(size, end_ - start_);
    std::memcpy(data, buf_.get() + start_, take);
    start_ += take;
    return take;
}

Result<void> BufferedReader::read_exactly(void* data, std::size_t size) {
    auto* out = static_cast<char*>(data);
    std::size_t got = 0;
    while (got < size) {
        auto n = read(out + got, size - got);
        if (!n) return n.error();
        if (*n == 0) return got == 0 ? Error::eof : Error::unexpected_eof;
        got += *n;
    }
    return {};
}

Result<std::string_view> BufferedReader::read_until(char delim) {
    std::size_t scanned = 0;  // bytes already searched, so a refill does not rescan them
    for (;;) {
        const char* base = buf_.get() + start_;
        const std::size_t have = end_ - start_;
        if (const void* hit = std::memchr(base + scanned, delim, have - scanned)) {
            const auto len = static_cast<std::size_t>(static_cast<const char*>(hit) - base) + 1;
            start_ += len;
            return std::string_view(base, len);
        }
        scanned = have;
        if (auto ec = fill()) return ec;
    }
}

Result<std::size_t> BufferedReader::discard(std::size_t n) {
    std::size_t dropped = 0;
    while (dropped < n) {
        if (start_ == end_) {
            if (auto ec = fill()) return dropped == 0 ? Result<std::size_t>(ec) : dropped;
        }
        const std::size_t take = std::min(n - dropped, end_ - start_);
        start_ += take;
        dropped += take;
    }
    return dropped;
}

}  // namespace wire::net
