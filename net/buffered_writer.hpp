// BufferedWriter: a fixed-size write buffer over a Conn (Go's bufio.Writer). Small writes gather
// in the buffer and leave in one syscall at flush(); a write that does not fit goes out together
// with what is buffered in one writev, without an extra copy.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "net/conn.hpp"
#include "net/result.hpp"

namespace wire::net {

class BufferedWriter {
  public:
    static constexpr std::size_t default_capacity = 4096;

    explicit BufferedWriter(Conn& conn, std::size_t capacity = default_capacity);
    BufferedWriter(BufferedWriter&&) noexcept = default;
    BufferedWriter& operator=(BufferedWriter&&) noexcept = default;

    // Buffers or sends all of `data`; returns `size`. Nothing is lost on error but what the
    // kernel refused; the buffer is then dropped (the Conn is unusable anyway).
    Result<std::size_t> write(const void* data, std::size_t size);
    Result<std::size_t> write(std::string_view text) { return write(text.data(), text.size()); }
    Result<void> flush();  // sends what is buffered

    std::size_t buffered() const noexcept { return used_; }
    std::size_t available() const noexcept { return capacity_ - used_; }
    std::size_t capacity() const noexcept { return capacity_; }
    Conn& conn() const noexcept { return *conn_; }
    // Points this writer at `conn` (which must be the same connection, moved): see BufferedConn.
    void rebind(Conn& conn) noexcept { conn_ = &conn; }

  private:
    Conn* conn_;
    std::size_t capacity_;
    std::unique_ptr<char[]> buf_;
    std::size_t used_ = 0;
};

}  // namespace wire::net
