// Form bodies: application/x-www-form-urlencoded (WHATWG URL §5, HTML's form submission) parsed
// into Values, as Go's Request.ParseForm does for POST, PUT and PATCH bodies.
#pragma once

#include <string_view>
#include <system_error>

#include "http/limits.hpp"
#include "http/values.hpp"

namespace wire::http {

// Whether a Content-Type names application/x-www-form-urlencoded (parameters ignored).
bool is_form_urlencoded(std::string_view content_type);
// Whether a Content-Type names multipart/form-data (RFC 7578).
bool is_multipart_form(std::string_view content_type);

// Adds the pairs of an urlencoded `body` to `out` ("+" is a space, %XX decoded). A body over
// limits.max_form_bytes is Error::form_too_large with nothing added; a pair that does not
// decode is skipped and its error returned after the others were added (Go's ParseQuery).
std::error_code parse_urlencoded_form(std::string_view body, Values& out,
                                      const FormLimits& limits = {});

}  // namespace wire::http
