#include "http/detail/scan.hpp"

#include <doctest/doctest.h>

#include <string>

namespace d = wire::http::detail;

TEST_CASE("skip_plain_value stops at the first byte outside 0x20..0x7e, at any position") {
    for (std::size_t len = 0; len < 40; ++len) {
        for (char stop : {'\r', '\n', '\t', '\0', '\x7f', '\x80', '\xff', '\x1f'}) {
            for (std::size_t at = 0; at <= len; ++at) {
                std::string s(len, 'a');
                if (at < len) s[at] = stop;
                const char* r = d::skip_plain_value(s.data(), s.data() + s.size());
                CHECK(r == s.data() + at);
                // The portable SWAR version, which x86-64 builds otherwise never run.
                CHECK(d::skip_plain_value_swar(s.data(), s.data() + s.size()) == s.data() + at);
            }
        }
    }
}

TEST_CASE("skip_token stops at the first non-tchar, with the fast path or not") {
    const std::string names[] = {"Host", "Content-Length", "X-Forwarded-For-Long-Header-Name",
                                 "a_b", "x!#$%&'*+-.^_`|~y0123456789ABCDEFGHIJKLMNOP"};
    for (const std::string& n : names) {
        for (char stop : {':', ' ', '\t', '(', '\x80', '@', '{'}) {
            const std::string s = n + stop + "rest of the line";
            CHECK(d::skip_token(s.data(), s.data() + s.size()) == s.data() + n.size());
        }
        CHECK(d::skip_token(n.data(), n.data() + n.size()) == n.data() + n.size());
    }
}

TEST_CASE("find_byte agrees with string_view::find at any position, length and start") {
    for (std::size_t len = 0; len < 40; ++len) {
        for (std::size_t at = 0; at <= len; ++at) {
            std::string s(len, 'a');
            if (at < len) s[at] = '%';
            if (at + 3 < len) s[at + 3] = '%';  // a second one, for a search from past the first
            const std::string_view v = s;
            for (std::size_t from = 0; from <= len + 1; ++from) {
                CHECK(d::find_byte(v, '%', from) == v.find('%', from));
            }
        }
    }
}
