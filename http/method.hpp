// Request methods (RFC 9110 §9): the standard ones as an enum, with their properties.
#pragma once

#include <cstdint>
#include <string_view>

namespace wire::http {

enum class Method : std::uint8_t {
    get,      // §9.3.1
    head,     // §9.3.2
    post,     // §9.3.3
    put,      // §9.3.4
    delete_,  // §9.3.5 ("delete" is a C++ keyword)
    connect,  // §9.3.6
    options,  // §9.3.7
    trace,    // §9.3.8
    patch,    // RFC 5789
    other,    // any other token: methods are extensible (§9.1)
};

// The method names as strings, Go's http.MethodGet...: `if (r.method == http::method::post)`.
// Request::method is the name as sent, so these compare with it directly.
namespace method {
inline constexpr std::string_view get = "GET";
inline constexpr std::string_view head = "HEAD";
inline constexpr std::string_view post = "POST";
inline constexpr std::string_view put = "PUT";
inline constexpr std::string_view patch = "PATCH";  // RFC 5789
inline constexpr std::string_view delete_ = "DELETE";
inline constexpr std::string_view connect = "CONNECT";
inline constexpr std::string_view options = "OPTIONS";
inline constexpr std::string_view trace = "TRACE";
}  // namespace method

// Methods are case-sensitive (RFC 9110 §9.1): "get" is not GET.
Method method_from(std::string_view name) noexcept;
// The standard name, or "" for Method::other.
std::string_view method_name(Method m) noexcept;

// RFC 9110 §9.2.1: safe methods are read-only in intent.
constexpr bool is_safe(Method m) {
    return m == Method::get || m == Method::head || m == Method::options || m == Method::trace;
}
// RFC 9110 §9.2.2: repeating an idempotent request has the effect of sending it once.
constexpr bool is_idempotent(Method m) {
    return is_safe(m) || m == Method::put || m == Method::delete_;
}

}  // namespace wire::http
