#include "net/buffered_writer.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>

namespace wire::net {

BufferedWriter::BufferedWriter(Conn& conn, std::size_t capacity)
    : conn_(&conn),
      capacity_(std::max<std::size_t>(capacity, 16)),
      buf_(std::make_unique_for_overwrite<char[]>(capacity_)) {}

Result<std::size_t> BufferedWriter::write(const void* data, std::size_t size) {
    if (size <= available()) {
        std::memcpy(buf_.get() + used_, data, size);
        used_ += size;
        return size;
    }
    if (size < capacity_) {
        // Small enough to buffer after a flush.
        if (auto r = flush(); !r) return r.error();
        std::memcpy(buf_.get(), data, size);
        used_ = size;
        return size;
    }
    // Large: buffered bytes and the new ones together, in one writev.
    const iovec parts[2] = {{buf_.get(), used_}, {const_cast<void*>(data), size}};
    const std::size_t had = used_;
    used_ = 0;
    auto n = conn_->writev(parts);
    if (!n) return n.error();
    return *n - had;
}

Result<void> BufferedWriter::flush() {
    if (used_ == 0) return {};
    const std::size_t n = used_;
    used_ = 0;
    auto r = conn_->write(buf_.get(), n);
    if (!r) return r.error();
    return {};
}

}  // namespace wire::net
