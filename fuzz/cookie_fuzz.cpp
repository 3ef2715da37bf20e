// Cookie fuzz target: parse_cookie_header and parse_set_cookie on any bytes.
//   1. every cookie parsed from a Cookie header has a token name and a value that
//      format_cookie_header writes back in a form that parses to the same pairs;
//   2. a parsed Set-Cookie, formatted again, parses to the same name, value and Max-Age.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/cookie.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    using namespace wire::http;
    const auto cookies = parse_cookie_header(in);
    const auto again = parse_cookie_header(format_cookie_header(cookies));
    check(again.size() == cookies.size());
    for (std::size_t i = 0; i < cookies.size(); ++i) {
        check(!cookies[i].name.empty());
        check(again[i].name == cookies[i].name && again[i].value == cookies[i].value);
    }
    Cookie c, back;
    if (parse_set_cookie(in, c)) {
        const std::string line = format_set_cookie(c);
        check(!line.empty());
        check(parse_set_cookie(line, back));
        check(back.name == c.name && back.value == c.value && back.max_age == c.max_age);
        check(back.secure == c.secure && back.http_only == c.http_only);
    }
    return 0;
}
