// Errors of the http/ message layer, as values plugged into std::error_code.
//
// Every rejection the parser, the chunked decoder, the URL parser and the limits can produce has
// its own enumerator, a sentence a learner understands (error_code::message()), and the status
// code a server answers with (status_for). The codecs return these with the byte offset where
// the problem was found.
#pragma once

#include <string_view>
#include <system_error>

namespace wire::http {

enum class Error {
    // Start line (RFC 9112 §3, §4).
    bad_method = 1,
    bad_target,
    bad_version,
    unsupported_version,  // 505: a major version other than 1
    bad_request_line,
    bad_status_line,
    bad_status_code,
    bad_reason_phrase,
    // Line endings (RFC 9112 §2.2).
    bare_cr,
    bare_lf,
    // Field lines (RFC 9112 §5, RFC 9110 §5).
    bad_field_name,
    space_before_colon,
    obs_fold,
    space_after_start_line,
    bad_field_value,
    // Host (RFC 9112 §3.2).
    missing_host,
    duplicate_host,
    bad_host,
    // Message framing (RFC 9112 §6).
    bad_content_length,
    conflicting_content_length,
    content_length_with_transfer_encoding,
    transfer_encoding_in_http10,
    chunked_not_final,
    chunked_applied_twice,
    unsupported_transfer_coding,  // 501
    // Chunked transfer coding (RFC 9112 §7.1).
    bad_chunk_size,
    chunk_size_overflow,
    bad_chunk_extension,
    bad_chunk_terminator,
    bad_trailer_field,
    // Limits (http/limits.hpp), one error each.
    request_line_too_long,  // 414
    target_too_long,        // 414
    head_too_large,         // 431
    too_many_fields,        // 431
    chunk_size_too_long,
    chunk_extension_too_long,
    trailer_too_large,  // 431
    body_too_large,     // 413
    // End of input.
    unexpected_eof,
    // URLs (RFC 3986).
    bad_url,
    bad_percent_encoding,
    // Form bodies (RFC 7578, RFC 2046 §5.1).
    not_multipart,          // 415: not multipart/form-data (multipart_reader: or mixed)
    missing_boundary,       // multipart, but without a valid boundary parameter
    bad_multipart,          // the multipart framing is malformed
    bad_part_header,        // a part's header section is malformed
    part_header_too_large,  // 431: FormLimits::max_part_header_bytes
    too_many_parts,         // 413: FormLimits::max_parts
    form_too_large,         // 413: FormLimits::max_form_bytes
    missing_file,           // Request::form_file: no file part under that field name
    multipart_body_taken,   // 500: multipart_reader() after the body went to another reader
    // Client (http/client.hpp).
    unsupported_scheme,  // a URL that is not http://
    too_many_redirects,  // more than Client::max_redirects
    bad_location,        // a redirect without a usable Location
    server_closed_idle,  // a reused idle connection was closed by the server before any answer
    use_last_response,   // returned by a CheckRedirect hook: stop and return the redirect itself
    // Request semantics found after the head parsed.
    bad_target_form,     // 400
    expectation_failed,  // 417
};

// The category behind every wire::http error code; its name() is "wire.http".
const std::error_category& http_category() noexcept;

std::error_code make_error_code(Error e) noexcept;

// The one-sentence reason for `e`, also what error_code::message() returns.
std::string_view reason(Error e) noexcept;

// The status code a server sends when a request fails with `e` (RFC 9110 §15): 400 for syntax
// and framing, 413 body too large, 414 URI too long, 431 header fields too large, 501 transfer
// coding not implemented, 505 HTTP version not supported.
int status_for(Error e) noexcept;

}  // namespace wire::http

template <>
struct std::is_error_code_enum<wire::http::Error> : std::true_type {};
