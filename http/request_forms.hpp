// wire:glue
// Forms and cookies of a server Request: Go's Request.ParseForm, ParseMultipartForm, Cookies and
// Cookie, and http.SetCookie, as free functions (Request keeps no parsed state; the body can be
// read only once, so call each parse function at most once per request and keep its result).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "http/cookie.hpp"
#include "http/limits.hpp"
#include "http/multipart_form.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/values.hpp"

namespace wire::http {

struct ParsedForm {
    Values form;       // body values first, then the URL query's (Go's Request.Form)
    Values post_form;  // only the body's (Go's Request.PostForm)
};

// Go's ParseForm: the query always; the body too for POST, PUT and PATCH with Content-Type
// application/x-www-form-urlencoded. Errors: Error::form_too_large past limits.max_form_bytes,
// Error::bad_percent_encoding for a pair that does not decode (the others are still added),
// and the body's read errors.
std::error_code parse_form(Request& r, ParsedForm& out, const FormLimits& limits = {});

// Go's ParseMultipartForm: reads a multipart/form-data body (Error::not_multipart otherwise)
// into `out`, file parts past `max_memory` going to temporary files.
std::error_code parse_multipart_form(Request& r, std::uint64_t max_memory, MultipartForm& out,
                                     const FormLimits& limits = {});

// Every cookie of every Cookie field (RFC 6265 §5.4), and the first one named `name`.
std::vector<Cookie> cookies(const Request& r);
std::optional<Cookie> cookie(const Request& r, std::string_view name);

// Adds a Set-Cookie field to the response (nothing for an invalid cookie name), Go's SetCookie.
void set_cookie(ResponseWriter& w, const Cookie& c);

}  // namespace wire::http
