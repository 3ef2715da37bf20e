// Status codes (RFC 9110 §15) and the IANA "HTTP Status Code" registry's reason phrases.
#pragma once

#include <string_view>

namespace wire::http {

// Named status codes, as Go's http.StatusOK...: http::status::not_found == 404.
namespace status {
inline constexpr int continue_ = 100;
inline constexpr int switching_protocols = 101;
inline constexpr int processing = 102;
inline constexpr int early_hints = 103;
inline constexpr int ok = 200;
inline constexpr int created = 201;
inline constexpr int accepted = 202;
inline constexpr int non_authoritative_information = 203;
inline constexpr int no_content = 204;
inline constexpr int reset_content = 205;
inline constexpr int partial_content = 206;
inline constexpr int multi_status = 207;
inline constexpr int already_reported = 208;
inline constexpr int im_used = 226;
inline constexpr int multiple_choices = 300;
inline constexpr int moved_permanently = 301;
inline constexpr int found = 302;
inline constexpr int see_other = 303;
inline constexpr int not_modified = 304;
inline constexpr int use_proxy = 305;
inline constexpr int unused_306 = 306;
inline constexpr int temporary_redirect = 307;
inline constexpr int permanent_redirect = 308;
inline constexpr int bad_request = 400;
inline constexpr int unauthorized = 401;
inline constexpr int payment_required = 402;
inline constexpr int forbidden = 403;
inline constexpr int not_found = 404;
inline constexpr int method_not_allowed = 405;
inline constexpr int not_acceptable = 406;
inline constexpr int proxy_authentication_required = 407;
inline constexpr int request_timeout = 408;
inline constexpr int conflict = 409;
inline constexpr int gone = 410;
inline constexpr int length_required = 411;
inline constexpr int precondition_failed = 412;
inline constexpr int content_too_large = 413;
inline constexpr int uri_too_long = 414;
inline constexpr int unsupported_media_type = 415;
inline constexpr int range_not_satisfiable = 416;
inline constexpr int expectation_failed = 417;
inline constexpr int teapot = 418;
inline constexpr int misdirected_request = 421;
inline constexpr int unprocessable_content = 422;
inline constexpr int locked = 423;
inline constexpr int failed_dependency = 424;
inline constexpr int too_early = 425;
inline constexpr int upgrade_required = 426;
inline constexpr int precondition_required = 428;
inline constexpr int too_many_requests = 429;
inline constexpr int request_header_fields_too_large = 431;
inline constexpr int unavailable_for_legal_reasons = 451;
inline constexpr int internal_server_error = 500;
inline constexpr int not_implemented = 501;
inline constexpr int bad_gateway = 502;
inline constexpr int service_unavailable = 503;
inline constexpr int gateway_timeout = 504;
inline constexpr int http_version_not_supported = 505;
inline constexpr int variant_also_negotiates = 506;
inline constexpr int insufficient_storage = 507;
inline constexpr int loop_detected = 508;
inline constexpr int not_extended = 510;
inline constexpr int network_authentication_required = 511;
}  // namespace status

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
