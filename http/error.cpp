#include "http/error.hpp"

#include <array>
#include <string>

namespace wire::http {
namespace {

struct ErrorInfo {
    Error error;
    int status;
    std::string_view reason;
};

// One list yields both the status table and the messages; the static_assert below keeps it in
// the enum's order so lookup is an index.
constexpr std::array<ErrorInfo, 57> kErrors{{
    {Error::bad_method, 400, "the request method is not a token (RFC 9110 §9.1)"},
    {Error::bad_target, 400,
     "the request-target has a character not allowed in a URI (RFC 9112 §3.2)"},
    {Error::bad_version, 400,
     "the HTTP version is not of the form HTTP/DIGIT.DIGIT (RFC 9112 §2.3)"},
    {Error::unsupported_version, 505,
     "only HTTP/1.x is supported on this connection (RFC 9110 §15.6.6)"},
    {Error::bad_request_line, 400,
     "the request line is not 'method SP target SP version CRLF' (RFC 9112 §3)"},
    {Error::bad_status_line, 400,
     "the status line is not 'version SP code SP reason CRLF' (RFC 9112 §4)"},
    {Error::bad_status_code, 400, "the status code is not three digits (RFC 9112 §4)"},
    {Error::bad_reason_phrase, 400, "the reason phrase has a control character (RFC 9112 §4)"},
    {Error::bare_cr, 400, "a CR was not followed by LF (RFC 9112 §2.2)"},
    {Error::bare_lf, 400, "a line ended with LF alone instead of CRLF (RFC 9112 §2.2)"},
    {Error::bad_field_name, 400, "a header field name is empty or not a token (RFC 9110 §5.1)"},
    {Error::space_before_colon, 400,
     "whitespace between a field name and its colon is forbidden (RFC 9112 §5.1)"},
    {Error::obs_fold, 400,
     "a header field value was folded onto a new line (obs-fold, RFC 9112 §5.2)"},
    {Error::space_after_start_line, 400,
     "whitespace between the start line and the first field (RFC 9112 §2.2)"},
    {Error::bad_field_value, 400,
     "a header field value has a NUL, CR, LF or other control character (RFC 9110 §5.5)"},
    {Error::missing_host, 400,
     "an HTTP/1.1 request must carry a Host header field (RFC 9112 §3.2)"},
    {Error::duplicate_host, 400,
     "a request must not carry more than one Host header field (RFC 9112 §3.2)"},
    {Error::bad_host, 400,
     "the Host field (or the authority of an absolute-form target) is not a valid host[:port]; "
     "a port is digits up to 65535 (RFC 9112 §3.2, RFC 3986 §3.2.2-3.2.3)"},
    {Error::bad_content_length, 400,
     "Content-Length is not a plain decimal number (RFC 9110 §8.6)"},
    {Error::conflicting_content_length, 400, "Content-Length values disagree (RFC 9112 §6.3)"},
    {Error::content_length_with_transfer_encoding, 400,
     "a request with both Transfer-Encoding and Content-Length is a smuggling risk (RFC 9112 "
     "§6.1)"},
    {Error::transfer_encoding_in_http10, 400,
     "an HTTP/1.0 message must not use Transfer-Encoding (RFC 9112 §6.1)"},
    {Error::chunked_not_final, 400,
     "a request's final transfer coding must be chunked (RFC 9112 §6.3)"},
    {Error::chunked_applied_twice, 400, "chunked must not be applied more than once (RFC 9112 §7)"},
    {Error::unsupported_transfer_coding, 501,
     "the request uses a transfer coding this server does not implement (RFC 9112 §6.1)"},
    {Error::bad_chunk_size, 400, "a chunk size is not hexadecimal digits (RFC 9112 §7.1)"},
    {Error::chunk_size_overflow, 400, "a chunk size does not fit in 64 bits (RFC 9112 §7.1)"},
    {Error::bad_chunk_extension, 400, "a chunk extension is malformed (RFC 9112 §7.1.1)"},
    {Error::bad_chunk_terminator, 400, "chunk data was not followed by CRLF (RFC 9112 §7.1)"},
    {Error::bad_trailer_field, 400, "a trailer field line is malformed (RFC 9112 §7.1.2)"},
    {Error::request_line_too_long, 414, "the request line is longer than Limits::max_request_line"},
    {Error::target_too_long, 414, "the request-target is longer than Limits::max_target"},
    {Error::head_too_large, 431, "the message head is larger than Limits::max_head_bytes"},
    {Error::too_many_fields, 431, "the message has more header fields than Limits::max_fields"},
    {Error::chunk_size_too_long, 400,
     "a chunk size has more digits than Limits::max_chunk_size_digits"},
    {Error::chunk_extension_too_long, 400,
     "a chunk extension is longer than Limits::max_chunk_extension"},
    {Error::trailer_too_large, 431, "the trailer section is larger than Limits::max_trailer_bytes"},
    {Error::body_too_large, 413, "the body is larger than Limits::max_body"},
    {Error::unexpected_eof, 400, "the connection closed before the message was complete"},
    {Error::bad_url, 400, "the URL does not follow RFC 3986 syntax"},
    {Error::bad_percent_encoding, 400,
     "a '%' is not followed by two hexadecimal digits (RFC 3986 §2.1)"},
    {Error::not_multipart, 415, "the body is not multipart/form-data (RFC 7578 §4.1)"},
    {Error::missing_boundary, 400,
     "the multipart Content-Type has no valid boundary parameter (RFC 2046 §5.1.1)"},
    {Error::bad_multipart, 400,
     "the multipart body does not follow RFC 2046 §5.1.1 (delimiters or final boundary)"},
    {Error::bad_part_header, 400, "a multipart part's header section is malformed (RFC 7578 §4)"},
    {Error::part_header_too_large, 431,
     "a multipart part's headers are larger than FormLimits::max_part_header_bytes"},
    {Error::too_many_parts, 413, "the multipart body has more parts than FormLimits::max_parts"},
    {Error::form_too_large, 413, "the form is larger than FormLimits::max_form_bytes"},
    {Error::missing_file, 400, "the multipart form has no file under that field name"},
    {Error::multipart_body_taken, 500,
     "the multipart body was already handed to parse_multipart_form() or multipart_reader(); "
     "a body can be read only once"},
    {Error::unsupported_scheme, 400, "the client only speaks http:// URLs"},
    {Error::too_many_redirects, 400, "stopped after Client::max_redirects redirects"},
    {Error::bad_location, 400,
     "a redirect's Location field is missing or not a valid URI reference (RFC 9110 §10.2.2)"},
    {Error::server_closed_idle, 400,
     "the server closed a kept-alive connection before answering (RFC 9112 §9.3.1)"},
    {Error::use_last_response, 400,
     "the redirect policy chose to return the redirect response instead of following it"},
    {Error::bad_target_form, 400,
     "the request-target's form does not suit the method: authority-form is only for CONNECT, "
     "'*' only for OPTIONS (RFC 9112 §3.2)"},
    {Error::expectation_failed, 417,
     "the Expect field asks for something other than 100-continue (RFC 9110 §10.1.1)"},
}};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < kErrors.size(); ++i) {
        if (static_cast<std::size_t>(kErrors[i].error) != i + 1) return false;
    }
    return true;
}
static_assert(in_enum_order(), "kErrors must list the enumerators in declaration order");

const ErrorInfo* find(Error e) noexcept {
    const auto i = static_cast<std::size_t>(e);
    if (i == 0 || i > kErrors.size()) return nullptr;
    return &kErrors[i - 1];
}

class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wire.http"; }
    std::string message(int value) const override {
        return std::string(reason(static_cast<Error>(value)));
    }
};

}  // namespace

const std::error_category& http_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), http_category()};
}

std::string_view reason(Error e) noexcept {
    const ErrorInfo* info = find(e);
    return info ? info->reason : std::string_view("unknown wire.http error");
}

int status_for(Error e) noexcept {
    const ErrorInfo* info = find(e);
    return info ? info->status : 400;
}

}  // namespace wire::http
