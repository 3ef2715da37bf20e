// Request: an HTTP request as a handler sees it, Go's http.Request for the server side.
// wire:glue
//
// Lifetime: every view (method, target, path, header, host...) points into the connection's
// buffers and is valid only during Handler::serve(). Copy what you keep.
//
// The body: body().read() returns decoded bytes (Content-Length or chunked, RFC 9112 §6.3), 0 at
// the end, and an error past Limits::max_body (413 territory) or when the client goes away. By
// default the server reads a body of up to Server::max_body_preread bytes before calling the
// handler, so reading it never blocks. A larger body, or one sent after "Expect: 100-continue"
// (RFC 9110 §10.1.1: the server sends "100 Continue" only when the handler first reads), is
// read as the handler asks for it: on an event loop that read blocks the loop; serve large
// uploads from worker threads (Server::worker_threads).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/body_reader.hpp"
#include "http/detail/body_source.hpp"
#include "http/header_view.hpp"
#include "http/message_head.hpp"
#include "http/router.hpp"
#include "http/values.hpp"
#include "net/result.hpp"

namespace wire::http {

class Body {
  public:
    Body() = default;
    Body(const Body&) = delete;
    Body& operator=(const Body&) = delete;

    // Up to `size` decoded body bytes; 0 once the body is complete. Errors: http::Error values
    // for bad chunked framing, ServerError::body_too_large past limit(), net errors (timeout,
    // unexpected_eof) from the connection.
    net::Result<std::size_t> read(void* data, std::size_t size);
    // Appends the rest of the body to `out`.
    net::Result<void> read_all(std::string& out);
    // Reads and drops the rest of the body (what the server does when a handler did not read it).
    net::Result<void> discard();

    [[nodiscard]] bool done() const noexcept { return reader_.done(); }
    [[nodiscard]] std::uint64_t bytes_read() const noexcept { return reader_.bytes_read(); }
    // The most body bytes read() will hand out; beyond, ServerError::body_too_large (Go's
    // MaxBytesReader). Only ever lowered.
    void set_limit(std::uint64_t limit) noexcept {
        if (limit < limit_) limit_ = limit;
    }
    [[nodiscard]] std::uint64_t limit() const noexcept { return limit_; }

    // Server side: begins the body of `head`, read through `source`.
    void start(const MessageHead& head, const ParseOptions& options, detail::BodySource* source);

  private:
    BodyReader reader_;
    const ParseOptions* options_ = nullptr;  // what reader_ was made with
    detail::BodySource* source_ = nullptr;
    std::uint64_t limit_ = UINT64_MAX;
    bool first_read_ = true;
};

class Request {
  public:
    Request() = default;
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    std::string_view method;     // "GET"; case-sensitive (RFC 9110 §9.1)
    std::string_view target;     // the request-target as sent: "/search?q=x" (RFC 9112 §3.2)
    std::string_view path;       // its path, still percent-encoded: "/search"
    std::string_view raw_query;  // after '?', without it: "q=x"
    int proto_major = 1;
    int proto_minor = 1;
    HeaderView header;             // the field lines as received
    std::string_view host;         // the Host field (RFC 9112 §3.2), port included
    std::string_view remote_addr;  // the client, "127.0.0.1:51234"
    // Content-Length, or -1 when the length is unknown (chunked); 0 without a body.
    std::int64_t content_length = 0;
    // The client asked to close after this response (Connection: close, or HTTP/1.0 without
    // keep-alive; RFC 9112 §9.3).
    bool close = false;
    // "Expect: 100-continue" was sent (RFC 9110 §10.1.1).
    bool expect_continue = false;
    // The ServeMux pattern that matched, "" before routing (Go 1.23's Request.Pattern).
    std::string_view pattern;

    // "HTTP/1.1" or "HTTP/1.0".
    [[nodiscard]] std::string_view proto() const noexcept {
        return proto_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    }
    [[nodiscard]] bool proto_at_least(int major, int minor) const noexcept {
        return proto_major > major || (proto_major == major && proto_minor >= minor);
    }

    Body& body() noexcept { return body_; }

    // The value of wildcard `name` in the matched pattern ("" if none), Go's PathValue.
    [[nodiscard]] std::string_view path_value(std::string_view name) const noexcept;
    // Go's SetPathValue: later path_value(name) calls return `value` (copied).
    void set_path_value(std::string_view name, std::string_view value);

    // Go's ParseForm, lazily on first use. form(): the URL query plus, for POST, PUT and PATCH
    // with Content-Type application/x-www-form-urlencoded, the body's fields (body first, as Go
    // orders them). post_form(): the body's fields only. Reading the form consumes the body.
    // Malformed pairs are skipped (form_error() tells the first problem).
    const Values& form();
    const Values& post_form();
    [[nodiscard]] std::error_code form_error() const noexcept { return form_error_; }
    // The first value of `key` in form(), Go's FormValue.
    std::string_view form_value(std::string_view key) { return form().get(key); }

    // For ServeMux: the match object reused across requests (no allocation once warm).
    RouteMatch& route_match() noexcept { return match_; }

    // Server side: fills the fields from a parsed head and starts the body. Leaves remote_addr
    // alone. `options` is remembered by address (a server passes one object for its lifetime):
    // a different object is copied again, the same object changed in place is not seen.
    void reset(const MessageHead& head, const ParseOptions& options, detail::BodySource* source);

  private:
    Body body_;
    void parse_form();

    RouteMatch match_;
    Values form_;
    Values post_form_;
    std::error_code form_error_;
    bool form_parsed_ = false;
    std::vector<std::pair<std::string, std::string>> set_values_;
};

}  // namespace wire::http
