// wire:glue
// ClientRequest's helpers and new_request (Go's NewRequest, AddCookie, SetBasicAuth).
#include <string>

#include "crypto/base64.hpp"
#include "http/client.hpp"
#include "http/detail/chars.hpp"
#include "http/error.hpp"
#include "http/url.hpp"

namespace wire::http {

void ClientRequest::add_cookie(const Cookie& c) {
    const std::string pair = format_cookie_header(std::span<const Cookie>(&c, 1));
    if (pair.empty()) return;
    const std::string_view existing = header.get("Cookie");
    if (existing.empty()) {
        header.set("Cookie", pair);
    } else {
        header.set("Cookie", std::string(existing) + "; " + pair);
    }
}

void ClientRequest::set_basic_auth(std::string_view username, std::string_view password) {
    std::string plain;
    plain.reserve(username.size() + 1 + password.size());
    plain.append(username).append(":").append(password);
    header.set("Authorization", "Basic " + crypto::base64::encode(plain));
}

net::Result<ClientRequest> new_request(std::string_view method, std::string_view url,
                                       std::string body) {
    if (method.empty()) method = "GET";
    // RFC 9110 §9.1: method = token.
    for (const char c : method) {
        if (!detail::is_token(c)) return Error::bad_method;
    }
    UrlView u;
    if (auto ec = parse_url(url, u)) return ec;
    // why: the client speaks http:// only, and RFC 9110 §4.2.1 makes an empty host invalid;
    // saying so now beats failing at send time.
    if (!detail::iequals(u.scheme, "http")) {
        return Error::unsupported_scheme;
    }
    if (u.host.empty()) return Error::bad_url;
    ClientRequest r;
    r.method = std::string(method);
    r.url = std::string(url);
    r.body = std::move(body);
    return r;
}

}  // namespace wire::http
