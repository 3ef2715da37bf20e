// wire:glue
// MultipartReader: a multipart body read one part at a time, each part's body in chunks, for
// bodies larger than memory; Go's mime/multipart.Reader and Request.MultipartReader().
// Built on MultipartParser (http/multipart.hpp), which does the RFC 2046 §5.1.1 framing; this
// file only pulls bytes from a source into one fixed buffer and hands the parser's events out.
//
//   auto reader = request.multipart_reader();           // or MultipartReader(boundary, source)
//   if (!reader) return reject(reader.error());
//   for (;;) {
//       auto part = (*reader)->next_part();
//       if (!part) return reject(part.error());          // malformed, truncated, I/O error
//       if (*part == nullptr) break;                     // the close-delimiter: no more parts
//       (*part)->form_name(); (*part)->file_name(); (*part)->header().get("Content-Type");
//       char buf[8192];
//       while (auto n = (*part)->read(buf, sizeof buf)) { if (*n == 0) break; use(buf, *n); }
//   }
//
// Memory: one buffer of buffer_size() bytes (about FormLimits::max_part_header_bytes, 16 KiB by
// default), allocated by the constructor; nothing grows with the size of a part or the body.
// On a Server the body is still bounded by Server::limits.max_body (32 MiB by default; the
// reader then fails with the body's body_too_large error): raise it for larger uploads,
// and read them on worker threads (Server::worker_threads), since each read may block.
// Not done, as Go does not either: Content-Transfer-Encoding (RFC 7578 §4.7 deprecates it) is
// not decoded, and the epilogue after the close-delimiter is left unread in the source.
//
// Thread safety: one thread at a time, like the Request it reads.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "http/header.hpp"
#include "http/limits.hpp"
#include "http/multipart.hpp"
#include "net/result.hpp"

namespace wire::http {

class MultipartReader;

// One part of a multipart body (Go's multipart.Part). Valid until the next next_part() call;
// owned by its MultipartReader.
class MultipartPart {
  public:
    MultipartPart(const MultipartPart&) = delete;
    MultipartPart& operator=(const MultipartPart&) = delete;

    // The part's header fields (RFC 7578 §4.8: Content-Disposition, Content-Type...).
    [[nodiscard]] const Header& header() const noexcept;
    // From Content-Disposition: form-data (RFC 7578 §4.2): the field name, and the file name
    // without any directory part ("" for a field that is not a file, or a multipart/mixed part).
    [[nodiscard]] std::string_view form_name() const noexcept;
    [[nodiscard]] std::string_view file_name() const noexcept;
    [[nodiscard]] bool is_file() const noexcept;

    // Copies up to `size` bytes of the part's body into `data`; 0 at the end of the part (or
    // when `size` is 0). Errors: as next_part(); they end the whole body, not just this part.
    net::Result<std::size_t> read(void* data, std::size_t size);
    // The next piece of the body without a copy: a view into the reader's buffer, valid until
    // the next call on this part or the reader; empty at the end of the part.
    net::Result<std::string_view> read_some();

  private:
    friend class MultipartReader;
    explicit MultipartPart(MultipartReader& reader) noexcept : reader_(reader) {}
    MultipartReader& reader_;
};

class MultipartReader {
  public:
    // Where the raw (still multipart-framed) body comes from: up to `size` bytes into `data`,
    // 0 at the end of the body, or an error. Request::multipart_reader() passes its body.
    using Source = std::function<net::Result<std::size_t>(char* data, std::size_t size)>;

    static constexpr std::size_t default_buffer_size = 16 * 1024;

    // `boundary` as detail::multipart_boundary gives it (without the leading "--"). The buffer
    // is `buffer_size` bytes, or more when the limits need it (see buffer_size()).
    MultipartReader(std::string_view boundary, Source source, const FormLimits& limits = {},
                    std::size_t buffer_size = default_buffer_size);
    // The current part points back at its reader: neither may move.
    MultipartReader(const MultipartReader&) = delete;
    MultipartReader& operator=(const MultipartReader&) = delete;

    // Go's NextPart: skips what is left of the current part and returns the next one, or
    // nullptr once the close-delimiter was read (Go's io.EOF). Errors, which repeat on every
    // later call: the parser's (Error::bad_part_header, part_header_too_large, too_many_parts),
    // Error::unexpected_eof when the body ends before the close-delimiter (RFC 2046 §5.1.1),
    // and the source's own.
    net::Result<MultipartPart*> next_part();

    // The most body bytes held at once: the buffer_size asked for, but at least
    // limits.max_part_header_bytes + 1 and the longest delimiter line, which the parser must see
    // whole to decide.
    [[nodiscard]] std::size_t buffer_size() const noexcept { return capacity_; }

  private:
    friend class MultipartPart;
    enum class State : std::uint8_t { between_parts, in_part, done };

    net::Result<MultipartStep> step();
    net::Result<std::string_view> next_data();
    std::error_code fill();

    MultipartParser parser_;
    Source source_;
    std::size_t capacity_;
    std::unique_ptr<char[]> buf_;
    std::size_t begin_ = 0, end_ = 0;  // the bytes the parser has not consumed: buf_[begin_, end_)
    std::string_view pending_;         // body data the parser handed out, not yet read
    MultipartPart part_{*this};
    std::error_code error_;
    State state_ = State::between_parts;
};

}  // namespace wire::http
