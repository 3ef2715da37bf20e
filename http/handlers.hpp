// Ready-made handlers and middleware, as Go's net/http ships them.
// wire:glue
//
// file_server / serve_file / serve_content live in http/file_server.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/handler.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace wire::http {

// Writes `message` as a plain-text error with `status` (Go's http.Error): sets Content-Type
// "text/plain; charset=utf-8", X-Content-Type-Options: nosniff, and writes message + "\n".
void error(ResponseWriter& w, std::string_view message, int status);

// 404 "404 page not found" (Go's NotFound / NotFoundHandler).
void not_found(ResponseWriter& w, Request& r);
HandlerPtr not_found_handler();

// Redirects to `url` with `status` (3xx), Go's http.Redirect: a relative `url` is resolved
// against the request path; for GET and HEAD a short HTML body names the target.
void redirect(ResponseWriter& w, Request& r, std::string_view url, int status);
HandlerPtr redirect_handler(std::string url, int status);

// Serves `handler` with `prefix` removed from the request path (and target); 404 when the path
// does not start with it.
HandlerPtr strip_prefix(std::string prefix, HandlerPtr handler);

// Limits the request body to `max_bytes`: reads past it fail with ServerError::body_too_large
// and the connection closes after the response (Go's MaxBytesReader, as middleware).
HandlerPtr max_bytes_handler(HandlerPtr handler, std::uint64_t max_bytes);
// The same on one request, from inside a handler.
void max_bytes_reader(Request& r, std::uint64_t max_bytes);

// Go's TimeoutHandler: runs `handler` with its output buffered; if it has not finished within
// `limit`, the client gets 503 with `message` instead and anything the handler writes later is
// dropped (its writes fail with ServerError::handler_timeout). The handler runs on a thread of
// its own, so it may block: pair it with blocking handlers, not with loop handlers.
HandlerPtr timeout_handler(HandlerPtr handler, std::chrono::steady_clock::duration limit,
                           std::string message);

}  // namespace wire::http
