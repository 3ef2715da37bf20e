// Every size limit of the http/ message layer in one struct (STYLE.md §4). Each limit names the
// grammar rule it bounds and has its own Error, so a server can answer 413, 414 or 431 precisely.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wire::http {

struct Limits {
    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3), CRLF excluded.
    // Exceeding it: Error::request_line_too_long (414, RFC 9112 §3 "longer than any URI").
    std::size_t max_request_line = 8192;
    // request-target (RFC 9112 §3.2). Error::target_too_long (414, RFC 9110 §15.5.15).
    std::size_t max_target = 8192;
    // The whole head: start line, field lines, final CRLF (RFC 9112 §2.1).
    // Error::head_too_large (431, RFC 6585 §5).
    std::size_t max_head_bytes = 64 * 1024;
    // Number of field lines in the head; also the most the caller's Field array needs to hold.
    // Error::too_many_fields (431).
    std::size_t max_fields = 100;
    // chunk-size = 1*HEXDIG (RFC 9112 §7.1); leading zeros count. Error::chunk_size_too_long.
    std::size_t max_chunk_size_digits = 16;
    // chunk-ext per chunk (RFC 9112 §7.1.1). Error::chunk_extension_too_long.
    std::size_t max_chunk_extension = 1024;
    // trailer-section bytes (RFC 9112 §7.1.2). Error::trailer_too_large (431).
    std::size_t max_trailer_bytes = 8192;
    // Decoded body bytes (Content-Length or the sum of chunk sizes). Error::body_too_large (413).
    std::uint64_t max_body = 32ull * 1024 * 1024;
};

// Leniencies, each a named opt-in, all off by default (STYLE.md §5).
struct Lenient {
    // Accept a lone LF as a line terminator (RFC 9112 §2.2 permits it: "MAY recognize a single
    // LF"), but it lets an intermediary and this parser disagree about line boundaries.
    bool bare_lf = false;
};

}  // namespace wire::http

namespace wire::http {

// Limits on request bodies parsed as forms (http/form.hpp, http/multipart.hpp), each with its
// own Error so the server can answer precisely.
struct FormLimits {
    // A multipart part's header section (RFC 7578 §4.8: Content-Disposition, Content-Type...).
    // Error::part_header_too_large (431).
    std::size_t max_part_header_bytes = 16 * 1024;
    // Parts in one multipart body. Error::too_many_parts (413).
    std::size_t max_parts = 1000;
    // An application/x-www-form-urlencoded body, and the non-file values of a multipart form
    // together (Go's 10 MB). Error::form_too_large (413).
    std::uint64_t max_form_bytes = 10ull * 1024 * 1024;
};

}  // namespace wire::http
