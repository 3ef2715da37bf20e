// The parsed head of a request or response (RFC 9112 §2.1), plus the framing facts the parser
// derived from its fields so that the body step (BodyReader) needs nothing else.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/header_view.hpp"

namespace wire::http {

// How the body is delimited (RFC 9112 §6.3).
enum class Framing : std::uint8_t {
    none,            // no body: a request without Content-Length/Transfer-Encoding, or a
                     // response to HEAD, 1xx, 204, 304 (RFC 9112 §6.3 rules 1 and 6)
    content_length,  // exactly content_length bytes (rule 5)
    chunked,         // the chunked transfer coding (rule 4, RFC 9112 §7.1)
    until_close,     // a response read until the connection closes (rules 4 and 8)
};

// Every view points into the buffer given to HeadParser::parse and is valid while those bytes
// stay where they are, unchanged.
struct MessageHead {
    std::string_view method;  // request: a token, case-sensitive (RFC 9110 §9.1)
    std::string_view target;  // request: the request-target as sent (RFC 9112 §3.2)
    int status = 0;           // response: 100..999
    std::string_view reason;  // response: the reason phrase, possibly empty
    int version_minor = 1;    // HTTP/1.<version_minor>; other majors are rejected (505)
    HeaderView fields;        // the field lines, in order

    Framing framing = Framing::none;
    std::uint64_t content_length = 0;  // valid when framing == content_length
    // Whether the connection may carry another message after this one (RFC 9112 §9.3):
    // HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
    bool keep_alive = true;
    // "Expect: 100-continue" on an HTTP/1.1 request (RFC 9110 §10.1.1): the server should send
    // "100 Continue" before reading the body, or answer with a final status.
    bool expect_continue = false;
    // "Connection: upgrade" with an Upgrade field (RFC 9110 §7.8), e.g. a WebSocket handshake.
    bool upgrade = false;
    std::string_view host;  // the Host field value, "" when absent (RFC 9112 §3.2)
};

}  // namespace wire::http
