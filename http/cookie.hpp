// Cookies (RFC 6265): the Cookie header a server reads, the Set-Cookie header it writes, and
// Set-Cookie parsing for a client. Go's http.Cookie in C++.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wire::http {

enum class SameSite : std::uint8_t { unset, lax, strict, none };

struct Cookie {
    std::string name;
    std::string value;
    // Attributes (RFC 6265 §4.1.2, SameSite from RFC 6265bis); empty/unset when absent.
    std::string path;
    std::string domain;
    std::optional<std::time_t> expires;
    // As Go: 0 means no Max-Age attribute, a negative value "Max-Age=0" (delete now), a
    // positive value that many seconds.
    long max_age = 0;
    bool secure = false;
    bool http_only = false;
    SameSite same_site = SameSite::unset;
    bool quoted = false;  // the value was (or is to be) sent inside DQUOTEs
};

// The cookie-pairs of a Cookie header (RFC 6265 §4.2.1, §5.4):  cookie-string = cookie-pair
// *( ";" SP cookie-pair ). Pairs whose name is not a token or whose value has bytes outside
// cookie-octet (space and comma excepted, as Go) are skipped; only name, value and quoted are
// set. With a non-empty
// `only_name`, just the cookies of that name.
std::vector<Cookie> parse_cookie_header(std::string_view value, std::string_view only_name = {});

// "name=value; name2=value2" for a request's Cookie header (RFC 6265 §4.2.1); invalid cookies
// are left out.
std::string format_cookie_header(std::span<const Cookie> cookies);

// The Set-Cookie field value (RFC 6265 §4.1.1), or "" when the name is not a token. Bytes a
// cookie-octet cannot hold are dropped from the value, and a value with a space or a comma is
// quoted (Go's sanitizeCookieValue); ";" and controls are dropped from Path; an invalid Domain
// is left out.
std::string format_set_cookie(const Cookie& c);

// A Set-Cookie field value as a user agent parses it (RFC 6265 §5.2): false when it holds no
// name=value pair; unknown attributes and attribute values that do not parse are ignored.
bool parse_set_cookie(std::string_view value, Cookie& out);

}  // namespace wire::http
