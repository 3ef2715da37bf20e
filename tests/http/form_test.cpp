#include "http/form.hpp"

#include <doctest/doctest.h>

#include <string>

#include "http/error.hpp"

using wire::http::Error;
using wire::http::FormLimits;
using wire::http::is_form_urlencoded;
using wire::http::is_multipart_form;
using wire::http::parse_urlencoded_form;
using wire::http::Values;

TEST_CASE("parse_urlencoded_form: pairs, decoding and repeated keys") {
    struct Case {
        const char* body;
        const char* key;
        std::vector<std::string> values;
    };
    const Case cases[] = {
        {"name=Larry&lang=en", "name", {"Larry"}},
        {"q=a+b%20c", "q", {"a b c"}},
        {"a=1&a=2&a=3", "a", {"1", "2", "3"}},
        {"empty=&x=1", "empty", {""}},
        {"novalue&x=1", "novalue", {""}},
        {"k%C3%A9y=v%C3%A9", "k\xc3\xa9y", {"v\xc3\xa9"}},
        {"&&a=1&&", "a", {"1"}},
        {"", "a", {}},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.body));
        Values v;
        CHECK(!parse_urlencoded_form(c.body, v));
        const auto got = v.values(c.key);
        CHECK(std::vector<std::string>(got.begin(), got.end()) == c.values);
    }
}

TEST_CASE("parse_urlencoded_form: bad pairs are skipped and reported, limits enforced") {
    Values v;
    CHECK(parse_urlencoded_form("a=1&b=%zz&c=3", v) == Error::bad_percent_encoding);
    CHECK(v.get("a") == "1");
    CHECK(v.get("c") == "3");
    CHECK(!v.has("b"));

    FormLimits limits;
    limits.max_form_bytes = 8;
    Values w;
    CHECK(parse_urlencoded_form("a=12345678", w, limits) == Error::form_too_large);
    CHECK(w.empty());
    CHECK(!parse_urlencoded_form("a=123456", w, limits));
}

TEST_CASE("form content types") {
    CHECK(is_form_urlencoded("application/x-www-form-urlencoded"));
    CHECK(is_form_urlencoded("Application/X-WWW-Form-URLEncoded; charset=UTF-8"));
    CHECK(!is_form_urlencoded("text/plain"));
    CHECK(!is_form_urlencoded(""));
    CHECK(is_multipart_form("multipart/form-data; boundary=x"));
    CHECK(!is_multipart_form("multipart/mixed; boundary=x"));
}
