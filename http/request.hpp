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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/body_reader.hpp"
#include "http/cookie.hpp"
#include "http/detail/body_source.hpp"
#include "http/header_view.hpp"
#include "http/limits.hpp"
#include "http/message_head.hpp"
#include "http/method.hpp"
#include "http/router.hpp"
#include "http/url.hpp"
#include "http/values.hpp"
#include "net/result.hpp"

namespace wire::http {

// Defined in http/multipart_form.hpp: include it to look inside multipart_form() and form_file().
class MultipartForm;
struct FormFile;
// Defined in http/multipart_reader.hpp: include it to use multipart_reader().
class MultipartReader;

namespace detail {
struct RequestForms;  // the parsed forms, created on first use (http/request_forms.cpp)
}

// The credentials of an "Authorization: Basic" field (RFC 7617 §2).
struct BasicAuth {
    std::string username;
    std::string password;
};

class Body;

// A stage between the body as framed and what Body::read() hands out: decodes a content coding
// (decompress_request_handler). It reads its input with Body::read_framed().
class BodyDecoder {
  public:
    virtual net::Result<std::size_t> read(Body& body, void* data, std::size_t size) = 0;

  protected:
    ~BodyDecoder() = default;
};

class Body {
  public:
    Body() = default;
    Body(const Body&) = delete;
    Body& operator=(const Body&) = delete;

    // Up to `size` decoded body bytes; 0 once the body is complete. Errors: http::Error values
    // for bad chunked framing, ServerError::body_too_large past limit(), net errors (timeout,
    // unexpected_eof) from the connection. Through a BodyDecoder when one is set.
    net::Result<std::size_t> read(void* data, std::size_t size);
    // The body with its framing removed but any content coding left as sent (the decoder's
    // input): what read() returns when no decoder is set.
    net::Result<std::size_t> read_framed(void* data, std::size_t size);
    // Puts `decoder` (the caller's, alive until it is replaced or the handler returns) in
    // front of read(); nullptr removes it.
    void set_decoder(BodyDecoder* decoder) noexcept { decoder_ = decoder; }
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
    // The server's Limits::max_body for this request (UINT64_MAX before start()).
    [[nodiscard]] std::uint64_t max_body() const noexcept;

    // Server side: begins the body of `head`, read through `source`.
    void start(const MessageHead& head, const ParseOptions& options, detail::BodySource* source);

  private:
    BodyReader reader_;
    const ParseOptions* options_ = nullptr;  // what reader_ was made with
    detail::BodySource* source_ = nullptr;
    BodyDecoder* decoder_ = nullptr;
    std::uint64_t limit_ = UINT64_MAX;
    bool first_read_ = true;
};

class Request {
  public:
    Request();
    ~Request();
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    std::string_view method;     // "GET"; case-sensitive (RFC 9110 §9.1)
    std::string_view target;     // the request-target as sent: "/search?q=x" (RFC 9112 §3.2)
    std::string_view path;       // its path, still percent-encoded: "/search"
    std::string_view raw_query;  // after '?', without it: "q=x"
    int proto_major = 1;
    int proto_minor = 1;
    // The field lines as received. Read-only, unlike Go's r.Header: it views the parser's
    // fields, and a writable copy would cost every request; pass values down with
    // set_path_value() instead (docs/go-names.md).
    HeaderView header;
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

    // ---- URL query, Go's r.URL.Query(): the query parsed anew on each call; bad pairs skipped.
    [[nodiscard]] Values query() const;
    // ---- Go's r.URL (http/url.hpp): `path` decoded (url().path is "/a b" where `path` is
    // "/a%20b"), raw_path and raw_query as sent, and for an absolute-form target its scheme
    // and host. Built from `path` and `raw_query` on the first call and rebuilt only when a
    // middleware points them elsewhere (strip_prefix does), so a request that never asks pays
    // nothing. Valid during serve(); copy what you keep.
    const Url& url();

    // ---- Forms, Go's ParseForm / ParseMultipartForm / Form / PostForm / FormValue / FormFile.
    // Nothing is parsed or allocated until one of these is called; reading a form consumes the
    // body, so the body is then no longer available to body().read().
    //
    // parse_form(): the URL query always, and for POST, PUT and PATCH with Content-Type
    // application/x-www-form-urlencoded the body's fields too (RFC 9110 §9.3.3 leaves a body's
    // meaning to its media type). form() holds the body's values before the query's, so
    // form_value() prefers the body (Go's order); post_form() holds the body's only. Errors:
    // Error::form_too_large past limits.max_form_bytes, Error::bad_percent_encoding for a pair
    // that does not decode (the other pairs are kept), the body's read errors. Calling it again
    // returns the first call's result.
    std::error_code parse_form(const FormLimits& limits = {});
    // parse_multipart_form(): parse_form(), then a multipart/form-data body (RFC 7578;
    // Error::not_multipart otherwise, Error::missing_boundary without a boundary): values are
    // appended to form() and post_form() (after the query's, as Go does), files kept in memory
    // up to `max_memory` bytes in all and spilled to temporary files past it. The temporary
    // files are removed when the handler returns.
    std::error_code parse_multipart_form(std::uint64_t max_memory, const FormLimits& limits = {});
    // Go's MultipartReader: the multipart/form-data or multipart/mixed body as a stream of
    // parts (http/multipart_reader.hpp), for bodies too large to hold; instead of
    // parse_multipart_form(), not with it. The reader is the Request's, valid during serve().
    // Errors: Error::not_multipart, Error::missing_boundary, and Error::multipart_body_taken
    // when parse_multipart_form() (or a lazy form accessor) or an earlier multipart_reader()
    // already took the body; parse_multipart_form() after it returns that error too.
    net::Result<MultipartReader*> multipart_reader(const FormLimits& limits = {});
    // Go's defaultMaxMemory: what the lazy accessors below pass to parse_multipart_form().
    static constexpr std::uint64_t default_max_memory = std::uint64_t{32} << 20;

    // The parsed values. On first use they parse as Go's FormValue does: the multipart body
    // with default_max_memory when there is one, the urlencoded body otherwise; errors are then
    // kept in form_error() instead of returned.
    const Values& form();
    const Values& post_form();
    std::string_view form_value(std::string_view key) { return form().get(key); }
    std::string_view post_form_value(std::string_view key) { return post_form().get(key); }
    // The first problem the form parsing met, {} when none (not_multipart is no problem here).
    [[nodiscard]] std::error_code form_error() const noexcept;
    // The multipart form after a successful parse_multipart_form() (or a lazy one), else null.
    // It and the files below are the Request's, valid during serve(); a spilled file's
    // temp_path is removed when serve() returns: read (or rename) what you keep.
    [[nodiscard]] const MultipartForm* multipart_form() const noexcept;
    // The first file sent under `key` (Go's FormFile), parsing the multipart body with
    // default_max_memory if that was not done yet. Errors: the parse's, Error::missing_file.
    net::Result<const FormFile*> form_file(std::string_view key);

    // ---- Cookies (RFC 6265 §5.4): every cookie of every Cookie field, and the first named
    // `name` (Go's Cookies and Cookie). To set one on the response: set_cookie(w, c).
    [[nodiscard]] std::vector<Cookie> cookies() const;
    [[nodiscard]] std::optional<Cookie> cookie(std::string_view name) const;

    // ---- Other fields, Go's BasicAuth, UserAgent and Referer. basic_auth(): the credentials
    // of an "Authorization: Basic" field (RFC 7617), nullopt when absent or malformed.
    [[nodiscard]] std::optional<BasicAuth> basic_auth() const;
    [[nodiscard]] std::string_view user_agent() const noexcept { return header.get("User-Agent"); }
    // RFC 9110 §10.1.3 keeps the field's historical misspelling.
    [[nodiscard]] std::string_view referer() const noexcept { return header.get("Referer"); }

    // For ServeMux: the match object reused across requests (no allocation once warm).
    RouteMatch& route_match() noexcept { return match_; }

    // Server side: fills the fields from a parsed head and starts the body. Leaves remote_addr
    // alone. `options` is remembered by address (a server passes one object for its lifetime):
    // a different object is copied again, the same object changed in place is not seen.
    void reset(const MessageHead& head, const ParseOptions& options, detail::BodySource* source);
    // Server side: the handler returned. Removes the multipart form's temporary files (Go's
    // finishRequest calls MultipartForm.RemoveAll); one pointer test for requests without forms.
    void finish() noexcept {
        if (forms_) remove_form_files();
    }

  private:
    detail::RequestForms& forms();
    void clear_forms() noexcept;
    void remove_form_files() noexcept;

    Body body_;
    RouteMatch match_;
    std::vector<std::pair<std::string, std::string>> set_values_;
    // Created by the first form call and kept (cleared) for the next requests of this thread.
    std::unique_ptr<detail::RequestForms> forms_;
};

}  // namespace wire::http
