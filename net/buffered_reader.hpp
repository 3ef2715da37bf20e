// BufferedReader: a fixed-size read buffer over a Conn (Go's bufio.Reader, the half that hijack()
// returns holding the bytes the server had already read).
//
// Views returned by peek() and read_until() point into the buffer and stay valid until the next
// call that reads or discards. The buffer never grows: a delimiter that does not turn up within
// capacity() bytes is Error::buffer_full, which bounds memory against a peer that never sends it.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "net/conn.hpp"
#include "net/result.hpp"

namespace wire::net {

class BufferedReader {
  public:
    static constexpr std::size_t default_capacity = 4096;

    explicit BufferedReader(Conn& conn, std::size_t capacity = default_capacity);
    // Starts with `already_read` in the buffer (served before anything new from the Conn); the
    // capacity grows to hold it if needed.
    BufferedReader(Conn& conn, std::string_view already_read,
                   std::size_t capacity = default_capacity);
    BufferedReader(BufferedReader&&) noexcept = default;
    BufferedReader& operator=(BufferedReader&&) noexcept = default;

    // The next `n` bytes without consuming them; reads until that many are buffered.
    // Error::buffer_full if n > capacity(); Error::eof / unexpected_eof if the stream ends first.
    Result<std::string_view> peek(std::size_t n);
    // Up to `size` bytes: buffered bytes first; when the buffer is empty, one Conn read (straight
    // into `data` when it is at least as big as the buffer). 0 at end of stream.
    Result<std::size_t> read(void* data, std::size_t size);
    // Exactly `size` bytes, or Error::eof (nothing came) / Error::unexpected_eof (some came).
    Result<void> read_exactly(void* data, std::size_t size);
    // Bytes up to and including `delim`, consumed. See the header comment for buffer_full.
    Result<std::string_view> read_until(char delim);
    // Drops `n` bytes (reading them if needed); returns how many were dropped before an error.
    Result<std::size_t> discard(std::size_t n);

    std::string_view buffered() const noexcept { return {buf_.get() + start_, end_ - start_}; }
    std::size_t capacity() const noexcept { return capacity_; }
    Conn& conn() const noexcept { return *conn_; }
    // Points this reader at `conn` (which must be the same connection, moved): see BufferedConn.
    void rebind(Conn& conn) noexcept { conn_ = &conn; }

  private:
    std::error_code fill();  // one Conn read into the free tail (compacting first if needed)

    Conn* conn_;
    std::size_t capacity_;
    std::unique_ptr<char[]> buf_;
    std::size_t start_ = 0;  // buf_[start_, end_) holds unread bytes
    std::size_t end_ = 0;
};

}  // namespace wire::net
