// Serializer: writes message heads and chunked framing into one reusable buffer, so a response
// goes out as writev({head, body}) or, chunked, writev({head + chunk-size line, data, CRLF}).
//
// No validation is skipped for speed: field names that are not tokens are dropped and CR, LF
// and NUL inside values become spaces (as Go's net/http does), so user data can never split a
// response (RFC 9110 §5.5, RFC 9112 §5).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/header.hpp"

namespace wire::http {

class Serializer {
  public:
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF  (RFC 9112 §4).
    // An empty `reason` uses status_text(status).
    void status_line(int status, std::string_view reason = {}, int version_minor = 1);
    // request-line = method SP request-target SP HTTP-version CRLF  (RFC 9112 §3).
    void request_line(std::string_view method, std::string_view target, int version_minor = 1);
    // field-line CRLF. Returns false (writing nothing) when `name` is not a token.
    bool field(std::string_view name, std::string_view value);
    // Every field of `header`, in order.
    void fields(const Header& header);
    // "Content-Length: n" without a temporary string.
    void content_length(std::uint64_t n);
    // The empty line that ends the head.
    void end_head();

    // Chunked transfer coding (RFC 9112 §7.1): the size line before `n` bytes of chunk data.
    // Write the data itself next (it need not be copied into this buffer), then chunk_end().
    void chunk_header(std::size_t n);
    void chunk_end();
    // last-chunk trailer-section CRLF; `trailers` may be null.
    void last_chunk(const Header* trailers = nullptr);

    // Raw bytes (a small body, or chunk data when copying is fine).
    void append(std::string_view bytes) { buf_.append(bytes); }

    [[nodiscard]] std::string_view data() const noexcept { return buf_; }
    [[nodiscard]] std::size_t size() const noexcept { return buf_.size(); }
    // Empties the buffer and keeps its capacity for the next message.
    void clear() noexcept { buf_.clear(); }

  private:
    std::string buf_;
};

// The chunk-size line for `n` bytes written into `out` ("1f4\r\n"), for a caller that builds
// its own iovecs: writev({chunk_size_line(n, tmp), data, "\r\n"}). At most 18 bytes.
std::string_view chunk_size_line(std::size_t n, std::array<char, 18>& out) noexcept;

}  // namespace wire::http
