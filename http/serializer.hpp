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
#include <cstring>
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
    void end_head() { append("\r\n"); }

    // Chunked transfer coding (RFC 9112 §7.1): the size line before `n` bytes of chunk data.
    // Write the data itself next (it need not be copied into this buffer), then chunk_end().
    void chunk_header(std::size_t n);
    void chunk_end() { append("\r\n"); }
    // last-chunk trailer-section CRLF; `trailers` may be null.
    void last_chunk(const Header* trailers = nullptr);

    // Raw bytes (a small body, or chunk data when copying is fine).
    // Inline, because a response head is a dozen small appends: one capacity check and a
    // memcpy each (of a known size when the argument is a literal), no call into a library.
    void append(std::string_view bytes) {
        if (bytes.empty()) return;  // why: an empty view may have a null data(), not for memcpy
        if (cap_ - size_ <= bytes.size()) grow(bytes.size());
        std::memcpy(data_ + size_, bytes.data(), bytes.size());
        size_ += bytes.size();
    }
    void push_back(char c) {
        if (cap_ == size_) grow(1);
        data_[size_++] = c;
    }

    // For a run of short pieces of known total size: one capacity check for all of them.
    //   char* p = out.begin_write(max);  p = put(p, "Date: "); ...  out.end_write(p);
    // where p never moves more than `max` bytes past where it started.
    [[nodiscard]] char* begin_write(std::size_t max) {
        if (cap_ - size_ <= max) grow(max);
        return data_ + size_;
    }
    void end_write(const char* p) noexcept { size_ = static_cast<std::size_t>(p - data_); }

    [[nodiscard]] std::string_view data() const noexcept { return {data_, size_}; }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    // Empties the buffer and keeps its capacity for the next message.
    void clear() noexcept { size_ = 0; }

    Serializer() = default;
    Serializer(const Serializer& other);
    Serializer& operator=(const Serializer& other);
    Serializer(Serializer&& other) noexcept;
    Serializer& operator=(Serializer&& other) noexcept;
    ~Serializer();

  private:
    // Room for `more` bytes past size_ (and always a non-null buffer, for memcpy).
    void grow(std::size_t more);

    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t cap_ = 0;
};

// Copies `s` to `p` and returns the end of the copy; with a literal the size is a constant and
// the copy a few moves. For Serializer::begin_write.
inline char* put(char* p, std::string_view s) noexcept {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return p + s.size();
}

// The chunk-size line for `n` bytes written into `out` ("1f4\r\n"), for a caller that builds
// its own iovecs: writev({chunk_size_line(n, tmp), data, "\r\n"}). At most 18 bytes.
std::string_view chunk_size_line(std::size_t n, std::array<char, 18>& out) noexcept;

}  // namespace wire::http
