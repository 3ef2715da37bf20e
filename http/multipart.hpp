// MultipartParser: a streaming, zero-copy parser for multipart bodies (RFC 2046 §5.1) as
// multipart/form-data uses them (RFC 7578).
//
//   multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
//                     body-part *encapsulation close-delimiter transport-padding [CRLF epilogue]
//   encapsulation  := delimiter transport-padding CRLF body-part
//   delimiter      := CRLF dash-boundary          dash-boundary := "--" boundary
//   close-delimiter := delimiter "--"
//   body-part      := MIME-part-headers [CRLF *OCTET]
//
// Contract (the same as BodyReader's): parse(in) looks at `in` from its start and returns one
// event and the bytes it consumed. The caller drops those bytes and calls again with the rest,
// appending new bytes when the event is need_more. Bytes that might start a delimiter are not
// consumed until enough follow to decide, so the caller keeps at most the unconsumed tail
// (bounded by max_part_header_bytes + the delimiter length).
//
//   MultipartParser p(boundary);
//   for (;;) {
//       auto s = p.parse(buf);  buf.remove_prefix(s.consumed);
//       switch (s.event) {
//         case part_begin: p.header(), p.disposition() ...   case data: use s.data
//         case part_end: ...   case done: return   case error: s.error
//         case need_more: read more, append to buf (at end of input: unexpected_eof)
//       }
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/detail/media_type.hpp"
#include "http/error.hpp"
#include "http/header.hpp"
#include "http/limits.hpp"

namespace wire::http {

enum class MultipartEvent : std::uint8_t {
    part_begin,  // a part's headers are parsed: header(), form_name(), file_name()
    data,        // `data` holds some of the part's body (a view into the input)
    part_end,    // the part's body is complete
    done,        // the close-delimiter was seen; the epilogue is ignored
    need_more,   // more input is needed (not an error)
    error,
};

struct [[nodiscard]] MultipartStep {
    MultipartEvent event = MultipartEvent::need_more;
    std::size_t consumed = 0;
    std::string_view data;
    Error error{};
};

class MultipartParser {
  public:
    // `boundary` as given by detail::multipart_boundary (without the leading "--").
    explicit MultipartParser(std::string_view boundary, const FormLimits& limits = {});

    // One event from the start of `in`; see the contract above.
    MultipartStep parse(std::string_view in);

    // The current part's header fields (valid from part_begin until the next part_begin).
    [[nodiscard]] const Header& header() const noexcept { return header_; }
    // From the part's Content-Disposition (RFC 7578 §4.2): the form field name, the file name
    // (with any directory part removed, RFC 7578 §4.2), and whether a filename was given at all.
    [[nodiscard]] std::string_view form_name() const noexcept { return name_; }
    [[nodiscard]] std::string_view file_name() const noexcept { return filename_; }
    [[nodiscard]] bool is_file() const noexcept { return has_filename_; }
    [[nodiscard]] std::size_t parts() const noexcept { return parts_; }

  private:
    enum class State : std::uint8_t { preamble, headers, data, epilogue, failed };
    enum class After : std::uint8_t { next_part, close, not_delimiter, need_more };

    After after_delimiter(std::string_view rest, std::size_t& used) const noexcept;
    std::size_t partial_delimiter_at(std::string_view in) const noexcept;
    MultipartStep preamble(std::string_view in);
    MultipartStep headers(std::string_view in);
    MultipartStep body(std::string_view in);
    bool parse_header_lines(std::string_view lines);
    void read_disposition();
    MultipartStep fail(Error e) {
        state_ = State::failed;
        error_ = e;
        return {MultipartEvent::error, 0, {}, e};
    }

    FormLimits limits_;
    std::string delimiter_;  // CRLF "--" boundary
    Header header_;
    std::string name_, filename_;
    std::size_t parts_ = 0;
    std::uint64_t consumed_total_ = 0;
    Error error_{};
    State state_ = State::preamble;
    bool has_filename_ = false;
};

}  // namespace wire::http
