// Status codes (RFC 9110 §15) and the IANA "HTTP Status Code" registry's reason phrases.
#pragma once

#include <string_view>

namespace wire::http {

// The reason phrase registered for `code` ("Not Found" for 404), or "" for an unregistered code.
std::string_view status_text(int code) noexcept;

// RFC 9110 §15: 1xx informational, 2xx successful, 3xx redirection, 4xx client error,
// 5xx server error.
constexpr bool is_informational(int code) {
    return code >= 100 && code < 200;
}
constexpr bool is_success(int code) {
    return code >= 200 && code < 300;
}
constexpr bool is_redirect(int code) {
    return code >= 300 && code < 400;
}
constexpr bool is_client_error(int code) {
    return code >= 400 && code < 500;
}
constexpr bool is_server_error(int code) {
    return code >= 500 && code < 600;
}

// Whether a response with this status may carry content (RFC 9110 §15.2, §15.3.5, §15.4.5:
// 1xx, 204 and 304 never do).
constexpr bool status_allows_body(int code) {
    return !is_informational(code) && code != 204 && code != 304;
}

}  // namespace wire::http
