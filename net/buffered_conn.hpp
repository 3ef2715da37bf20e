// BufferedConn: a Conn together with its BufferedReader and BufferedWriter, so that the three move
// as one. The reader and writer point at their Conn; moved separately they would keep pointing at
// the old place. This is what a server's hijack() hands out (the reader pre-filled with the bytes
// the server had already read past the request head) and what a blocking WebSocket Conn holds.
#pragma once

#include <cstddef>
#include <string_view>

#include "net/buffered_reader.hpp"
#include "net/buffered_writer.hpp"
#include "net/conn.hpp"

namespace wire::net {

class BufferedConn {
  public:
    explicit BufferedConn(Conn conn, std::string_view already_read = {},
                          std::size_t read_capacity = BufferedReader::default_capacity,
                          std::size_t write_capacity = BufferedWriter::default_capacity)
        : conn_(std::move(conn)),
          reader_(conn_, already_read, read_capacity),
          writer_(conn_, write_capacity) {}

    // Like Conn's: for hand-over only, never while another thread uses it.
    BufferedConn(BufferedConn&& other) noexcept
        : conn_(std::move(other.conn_)),
          reader_(std::move(other.reader_)),
          writer_(std::move(other.writer_)) {
        reader_.rebind(conn_);
        writer_.rebind(conn_);
    }
    BufferedConn& operator=(BufferedConn&& other) noexcept {
        conn_ = std::move(other.conn_);
        reader_ = std::move(other.reader_);
        writer_ = std::move(other.writer_);
        reader_.rebind(conn_);
        writer_.rebind(conn_);
        return *this;
    }

    Conn& conn() noexcept { return conn_; }
    BufferedReader& reader() noexcept { return reader_; }
    BufferedWriter& writer() noexcept { return writer_; }

  private:
    Conn conn_;
    BufferedReader reader_;
    BufferedWriter writer_;
};

}  // namespace wire::net
