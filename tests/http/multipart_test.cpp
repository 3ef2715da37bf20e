#include "http/multipart.hpp"

#include <doctest/doctest.h>

#include <string>

#include "http/detail/media_type.hpp"
#include "tests/http/multipart_vectors.hpp"
#include "tests/support/split_feed.hpp"

using wire::http::Error;
using wire::http::FormLimits;
using wire::http::MultipartEvent;
using wire::http::MultipartParser;

namespace {

// Feeds `pieces` in order and writes what the parser reported as one line of text:
// "{name|filename|content-type:body}" per part, then "done", "eof" or "error:<n>".
std::string transcript(std::string_view boundary, const std::vector<std::string_view>& pieces,
                       const FormLimits& limits = {}) {
    MultipartParser p(boundary, limits);
    std::string pending, out;
    for (std::string_view piece : pieces) {
        pending += piece;
        while (true) {
            const auto s = p.parse(pending);
            REQUIRE(s.consumed <= pending.size());
            const std::string data(s.data);
            pending.erase(0, s.consumed);
            switch (s.event) {
                case MultipartEvent::part_begin:
                    out += "{" + std::string(p.form_name()) + "|" + std::string(p.file_name()) +
                           (p.is_file() ? "(f)" : "") + "|" +
                           std::string(p.header().get("Content-Type")) + ":";
                    continue;
                case MultipartEvent::data:
                    out += data;
                    continue;
                case MultipartEvent::part_end:
                    out += "}";
                    continue;
                case MultipartEvent::done:
                    return out + "done";
                case MultipartEvent::error:
                    return out + "error:" + std::to_string(int(s.error));
                case MultipartEvent::need_more:
                    break;
            }
            break;
        }
    }
    return out + "eof";
}

std::string err(Error e) {
    return "error:" + std::to_string(int(e));
}

}  // namespace

TEST_CASE("multipart: RFC 7578 / RFC 2046 bodies give the same transcript at every split") {
    using wire::http::test::MultipartCase;
    // The cases both readers share, then this one's own.
    std::vector<MultipartCase> cases = wire::http::test::shared_multipart_cases();
    const std::vector<MultipartCase> own = {
        {"directory part of a filename is dropped",
         "--AaB03x\r\nContent-Disposition: form-data; name=f; filename=\"C:\\\\dir\\\\a.txt\"\r\n"
         "\r\n1\r\n--AaB03x\r\nContent-Disposition: form-data; name=g; filename=\"../../x\"\r\n"
         "\r\n2\r\n--AaB03x--",
         "{f|a.txt(f)|:1}{g|x(f)|:2}done"},
        {"header field value whitespace is trimmed",
         "--AaB03x\r\ncontent-type:   text/html  \r\n\r\n<p>\r\n--AaB03x--",
         "{||text/html:<p>}done"},
        {"truncated in the body", "--AaB03x\r\n\r\nabc", "{||:abceof"},
        {"truncated in the headers", "--AaB03x\r\nContent-Type: text/plain\r\n", "eof"},
        {"no delimiter at all", "just some text", "eof"},
        {"obs-fold in part headers", "--AaB03x\r\nA: b\r\n  c\r\n\r\nx\r\n--AaB03x--",
         err(Error::bad_part_header)},
        {"space before colon", "--AaB03x\r\nA : b\r\n\r\nx\r\n--AaB03x--",
         err(Error::bad_part_header)},
    };
    cases.insert(cases.end(), own.begin(), own.end());
    for (const MultipartCase& c : cases) {
        const std::string name = c.name;
        CAPTURE(name);
        for (const auto& plan : wire::test::all_splits(c.body)) {
            const std::string how = wire::test::describe_plan(plan, c.body.size());
            CAPTURE(how);
            REQUIRE(transcript("AaB03x", plan) == c.want);
        }
    }
}

TEST_CASE("multipart: limits on part headers and number of parts") {
    FormLimits limits;
    limits.max_part_header_bytes = 32;
    const std::string big = "--b\r\nX-Long: " + std::string(40, 'a') + "\r\n\r\nx\r\n--b--";
    CHECK(transcript("b", {big}, limits) == err(Error::part_header_too_large));
    // Without the end of the header section in sight, the limit still applies.
    const std::string endless = "--b\r\nX-Long: " + std::string(40, 'a');
    CHECK(transcript("b", {endless}, limits) == err(Error::part_header_too_large));

    limits = {};
    limits.max_parts = 2;
    const std::string three = "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--";
    CHECK(transcript("b", {three}, limits) == "{||:1}{||:2}" + err(Error::too_many_parts));
}

TEST_CASE("multipart: data is handed out without waiting for the whole part") {
    MultipartParser p("b");
    std::string_view in = "--b\r\n\r\nhello world\r\n--";
    auto s = p.parse(in);
    REQUIRE(s.event == MultipartEvent::part_begin);
    in.remove_prefix(s.consumed);
    s = p.parse(in);
    REQUIRE(s.event == MultipartEvent::data);
    CHECK(s.data == "hello world");  // the "\r\n--" tail is held back: it may be a delimiter
    in.remove_prefix(s.consumed);
    CHECK(in == "\r\n--");
    CHECK(p.parse(in).event == MultipartEvent::need_more);
}

TEST_CASE("multipart_boundary reads the boundary parameter (RFC 2046 §5.1.1)") {
    using wire::http::detail::multipart_boundary;
    CHECK(multipart_boundary("multipart/form-data; boundary=AaB03x") == "AaB03x");
    CHECK(multipart_boundary("Multipart/Form-Data;boundary=\"a b:c\"") == "a b:c");
    CHECK(multipart_boundary("multipart/mixed; charset=utf-8; BOUNDARY=x") == "x");
    CHECK(multipart_boundary("multipart/form-data; boundary=\"" + std::string(70, 'a') + "\"") ==
          std::string(70, 'a'));
    CHECK(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')).empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=\"ends in space \"").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=\"semi;colon\"").empty());
    CHECK(multipart_boundary("multipart/form-data").empty());
    CHECK(multipart_boundary("text/plain; boundary=x").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=a; boundary=b").empty());
    CHECK(multipart_boundary("multipart/form-data; boundary=").empty());
}

TEST_CASE("parse_media_type: parameters, quoting and errors (RFC 9110 §8.3.1)") {
    using wire::http::detail::MediaType;
    using wire::http::detail::parse_media_type;
    MediaType mt;
    REQUIRE(parse_media_type("Text/HTML ; Charset=\"utf-8\" ;q=\"a\\\"b\"", mt));
    CHECK(mt.type == "text/html");
    CHECK(mt.param("charset") == "utf-8");
    CHECK(mt.param("q") == "a\"b");
    REQUIRE(parse_media_type("form-data; name=\"a;b\"; filename=\"\"", mt, true));
    CHECK(mt.type == "form-data");
    CHECK(mt.param("name") == "a;b");
    CHECK(mt.has_param("filename"));
    CHECK(mt.param("filename").empty());
    for (const char* bad :
         {"", "text", "text/", "/html", "text/html; a", "text/html; a=", "text/html; a = b",
          "text/html; a=\"open", "text/html x", "text/html; a=\"\x01\""}) {
        CAPTURE(bad);
        CHECK(!parse_media_type(bad, mt));
    }
    CHECK(!parse_media_type("form-data", mt));
    CHECK(parse_media_type("form-data", mt, true));
}
