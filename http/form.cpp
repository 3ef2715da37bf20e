#include "http/form.hpp"

#include "http/detail/media_type.hpp"
#include "http/error.hpp"

namespace wire::http {

bool is_form_urlencoded(std::string_view content_type) {
    detail::MediaType mt;
    return detail::parse_media_type(content_type, mt) &&
           mt.type == "application/x-www-form-urlencoded";
}

bool is_multipart_form(std::string_view content_type) {
    detail::MediaType mt;
    return detail::parse_media_type(content_type, mt) && mt.type == "multipart/form-data";
}

std::error_code parse_urlencoded_form(std::string_view body, Values& out,
                                      const FormLimits& limits) {
    // Why: the whole body is held to be parsed; bound it (Go's 10 MB default).
    if (body.size() > limits.max_form_bytes) return Error::form_too_large;
    return parse_query(body, out);
}

}  // namespace wire::http
