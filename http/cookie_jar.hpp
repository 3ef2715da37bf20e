// CookieJar: Go's http.CookieJar, where a Client keeps cookies between requests. The Client hands
// it the cookies of every response's Set-Cookie fields, redirects included, and asks it which to
// send with every request, each redirect hop included. Choosing (RFC 6265 §5.3 storage and §5.4
// sending rules: domain, path, expiry, Secure) is the jar's job; http/memory_cookie_jar.hpp is
// one that follows them.
//
// Thread safety: called from every thread that uses the Client, maybe at once.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "http/cookie.hpp"

namespace wire::http {

class CookieJar {
  public:
    virtual ~CookieJar() = default;
    // The cookies of a response to a request for `url` (absolute, "http://host/path").
    virtual void set_cookies(std::string_view url, std::span<const Cookie> cookies) = 0;
    // The cookies to send with a request for `url`, in the order they go in the Cookie field.
    [[nodiscard]] virtual std::vector<Cookie> cookies(std::string_view url) = 0;
};

}  // namespace wire::http
