// What a client does with a redirect (RFC 9110 §15.4): which method and body the next request
// carries, and where it goes (RFC 3986 §5: Location is a URI reference, resolved against the
// URL of the request that got the redirect). Pure string work.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wire::http::detail {

struct RedirectRule {
    bool follow = false;     // a redirect status the client follows
    bool keep_body = false;  // the next request repeats the method and the body
    bool to_get = false;     // the next request is a GET without a body
};

// RFC 9110 §15.4: 301 and 302 let a user agent change POST to GET (every browser and Go do);
// 303 means "GET the answer" for every method but HEAD; 307 and 308 must not change the method
// or the body. 300, 304 and 305 are not followed.
RedirectRule redirect_rule(int status, std::string_view method) noexcept;

// RFC 3986 §5.2.2 (strict): `reference` resolved against the absolute URI `base`; nullopt when
// either does not parse or `base` is not absolute. The fragment is dropped (it never travels).
std::optional<std::string> resolve_reference(std::string_view base, std::string_view reference);

// RFC 3986 §5.2.4: removes "." and ".." segments from a path, keeping a final slash.
std::string remove_dot_segments(std::string_view path);

}  // namespace wire::http::detail
