#include "http/parser.hpp"

#include <doctest/doctest.h>

#include <array>

#include "tests/http/message_runner.hpp"
#include "tests/http/vectors.hpp"
#include "tests/support/guard_page.hpp"
#include "tests/support/split_feed.hpp"

using namespace wire;
using wire::test::Vector;

namespace {

void check_expectations(const Vector& v, const test::MessageRun& r) {
    if (!v.ok) {
        REQUIRE(r.outcome == http::Outcome::error);
        CHECK(r.error == v.error);
        if (v.offset >= 0) CHECK(r.offset == static_cast<std::uint64_t>(v.offset));
        return;
    }
    REQUIRE(r.outcome == http::Outcome::done);
    if (!v.method.empty()) CHECK(r.head.method == v.method);
    if (!v.target.empty()) CHECK(r.head.target == v.target);
    if (v.status != 0) CHECK(r.head.status == v.status);
    CHECK(r.head.version_minor == v.minor);
    CHECK(r.head.framing == v.framing);
    CHECK(r.body == v.body);
    CHECK(r.head.keep_alive == v.keep_alive);
    CHECK(r.head.expect_continue == v.expect_continue);
    CHECK(r.head.upgrade == v.upgrade);
    if (v.fields >= 0) CHECK(r.head.fields.size() == static_cast<std::size_t>(v.fields));
}

// Whole, every two-piece cut and byte by byte must give the same answer (STYLE.md §15).
void run_vector(const Vector& v) {
    CAPTURE(v.name);
    test::MessageRunner runner(v.kind, v.options, v.to_head);
    const test::MessageRun whole = runner.run({v.input}, v.eof);
    const std::string expected = whole.describe();
    CAPTURE(expected);
    check_expectations(v, whole);
    for (const auto& plan : test::all_splits(v.input)) {
        const test::MessageRun split = runner.run(plan, v.eof);
        const std::string got = split.describe();
        if (got != expected) {
            CAPTURE(test::describe_plan(plan, v.input.size()));
            CAPTURE(plan.front().size());
            CHECK(got == expected);
            break;
        }
    }
}

// Every prefix of the input, ending right before an unmapped page: the parser must answer
// need_more (or the same early error) without reading past the end.
void run_guarded_prefixes(const Vector& v) {
    CAPTURE(v.name);
    std::array<http::Field, 64> fields{};
    for (std::size_t n = 0; n <= v.input.size(); ++n) {
        test::GuardedBuffer buf(std::string_view(v.input).substr(0, n));
        http::HeadParser p(v.kind, fields, v.options);
        const http::ParseResult r = p.parse(buf.view());
        CHECK((r.done() || r.need_more() || r.failed()));
    }
}

}  // namespace

TEST_CASE("request vectors, at every split") {
    for (const Vector& v : test::request_vectors())
        run_vector(v);
}

TEST_CASE("chunked request vectors, at every split") {
    for (const Vector& v : test::chunked_vectors())
        run_vector(v);
}

TEST_CASE("response vectors, at every split") {
    for (const Vector& v : test::response_vectors())
        run_vector(v);
}

TEST_CASE("no vector prefix makes the parser read past the buffer (guard page)") {
    for (const Vector& v : test::request_vectors())
        run_guarded_prefixes(v);
    for (const Vector& v : test::response_vectors())
        run_guarded_prefixes(v);
}

TEST_CASE("parsed fields are views into the caller's buffer, trimmed of OWS") {
    const std::string in = "GET /p?q HTTP/1.1\r\nHost: h\r\nX-A: \t a  b \t\r\nX-Empty:\r\n\r\n";
    std::array<http::Field, 8> fields{};
    http::HeadParser p(http::HeadParser::Kind::request, fields);
    const http::ParseResult r = p.parse(in);
    REQUIRE(r.done());
    CHECK(r.consumed == in.size());
    const http::MessageHead& h = p.head();
    CHECK(h.method.data() == in.data());
    REQUIRE(h.fields.size() == 3);
    CHECK(h.fields[1].name == "X-A");
    CHECK(h.fields[1].value == "a  b");
    CHECK(h.fields[2].value.empty());
    CHECK(h.fields.get("x-a") == "a  b");
    CHECK(h.host == "h");
    CHECK(fields[0].name.data() == in.data() + 19);
}

TEST_CASE("a Host of any length is refused for one bad byte wherever it is") {
    // valid_host checks 8 bytes per step and the last 8 again: every position must count.
    for (std::size_t n = 1; n <= 20; ++n) {
        const std::string good(n, 'h');
        for (std::size_t i = 0; i <= n; ++i) {
            std::string host = good;
            if (i < n) host[i] = '/';  // i == n: the good host itself
            const std::string in = "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
            std::array<http::Field, 4> fields{};
            http::HeadParser p(http::HeadParser::Kind::request, fields);
            const http::ParseResult r = p.parse(in);
            if (i == n) {
                CHECK(r.done());
            } else {
                CHECK(r.error == http::Error::bad_host);
            }
        }
    }
}

TEST_CASE("one parser reading request after request judges each Host afresh") {
    // The parser remembers the last valid Host across reset(): a Host that differs from it in
    // one byte, has the same length, or is too long to remember is still checked in full.
    const std::string long_host(100, 'h');
    struct Step {
        std::string host;
        bool ok;
    };
    const Step steps[] = {
        {"example.com:8080", true},
        {"example.com:8080", true},
        {"example.com:80a0", false},
        {"example.com:8080", true},
        {"exa/ple.com:8080", false},
        {"example.com:80800", false},
        {long_host, true},
        {long_host, true},
        {long_host + "/", false},
        {"example.com:8080", true},
        {"[::1]:8080", true},
        {"[::1]:8080x", false},
        {"", true},
    };
    std::array<http::Field, 4> fields{};
    http::HeadParser p(http::HeadParser::Kind::request, fields);
    for (const Step& step : steps) {
        CAPTURE(step.host);
        p.reset();
        const std::string in = "GET / HTTP/1.1\r\nHost: " + step.host + "\r\n\r\n";
        const http::ParseResult r = p.parse(in);
        if (step.ok) {
            CHECK(r.done());
            CHECK(p.head().host == step.host);
        } else {
            CHECK(r.error == http::Error::bad_host);
        }
    }
}

TEST_CASE("Host and an absolute-form authority: the port is digits up to 65535, at every split") {
    // RFC 9112 §3.2: an invalid Host is a 400; RFC 3986 §3.2.3: port = *DIGIT (empty: the
    // default port; leading zeros allowed); a TCP port is at most 65535 (RFC 9293 §3.1).
    struct Case {
        std::string host;
        bool ok;
    };
    const Case cases[] = {
        {"h", true},
        {"h:", true},
        {"h:80", true},
        {"h:0", true},
        {"h:65535", true},
        {"h:000000000000000000080", true},
        {"127.0.0.1:8080", true},
        {"[::1]", true},
        {"[::1]:", true},
        {"[::1]:8080", true},
        {"[v1.fe80::a+en1]:443", true},
        {"host:port", false},
        {"h:8o", false},
        {"h:-1", false},
        {"h:+80", false},
        {"h:65536", false},
        {"h:99999999999999999999999999", false},
        {"h:80:80", false},
        {"h::80", false},
        {"[::1]:x", false},
        {"[::1]:65536", false},
        {"[::1]x", false},
        {"[::1", false},
        {"[[::1]]", false},
        {"h]:80", false},
        {"a[b", false},
    };
    for (const Case& c : cases) {
        CAPTURE(c.host);
        Vector field =
            test::req("Host: " + c.host, "GET / HTTP/1.1\r\nHost: " + c.host + "\r\n\r\n");
        if (!c.ok) field.fails(http::Error::bad_host, 16);
        run_vector(field);
        // §3.2.2: the authority of an absolute-form target takes the Host field's place.
        Vector absolute = test::req("absolute-form " + c.host,
                                    "GET http://" + c.host + "/p HTTP/1.1\r\nHost: a\r\n\r\n");
        if (!c.ok) absolute.fails(http::Error::bad_host, 4);
        run_vector(absolute);
        if (c.ok) {
            std::array<http::Field, 4> fields{};
            http::HeadParser p(http::HeadParser::Kind::request, fields);
            REQUIRE(p.parse(absolute.input).done());
            CHECK(p.head().host == c.host);
        }
    }
}

TEST_CASE("pipelined requests parse one after another from the consumed offset") {
    const std::string one = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n";
    const std::string two = "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
    const std::string three = "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    const std::string all = one + two + three;
    std::array<http::Field, 8> fields{};
    http::HeadParser p(http::HeadParser::Kind::request, fields);
    http::BodyReader body;
    std::string_view rest = all;
    std::vector<std::string> targets;
    std::string bodies;
    while (!rest.empty()) {
        p.reset();
        const http::ParseResult r = p.parse(rest);
        REQUIRE(r.done());
        targets.emplace_back(p.head().target);
        rest.remove_prefix(r.consumed);
        body.start(p.head());
        while (!body.done()) {
            const http::BodyResult b = body.read(rest);
            REQUIRE_FALSE(b.failed());
            bodies.append(b.data);
            rest.remove_prefix(b.consumed);
        }
    }
    CHECK(targets == std::vector<std::string>{"/1", "/2", "/3"});
    CHECK(bodies == "abc");
    CHECK_FALSE(p.head().keep_alive);
}

TEST_CASE("a head arriving in pieces resumes where it stopped; reset() re-parses a moved buffer") {
    const std::string full = "GET /resume HTTP/1.1\r\nHost: a\r\nUser-Agent: test\r\n\r\n";
    std::array<http::Field, 8> fields{};
    http::HeadParser p(http::HeadParser::Kind::request, fields);
    std::string buf;
    buf.reserve(full.size());
    for (std::size_t i = 0; i + 1 < full.size(); ++i) {
        buf.push_back(full[i]);
        REQUIRE(p.parse(buf).need_more());
    }
    buf.push_back(full.back());
    REQUIRE(p.parse(buf).done());
    CHECK(p.head().target == "/resume");

    // The buffer moved: reset and parse again, the answer is the same.
    std::string moved = full;
    p.reset();
    REQUIRE(p.parse(moved).done());
    CHECK(p.head().fields.get("user-agent") == "test");
}

TEST_CASE("the field array bounds the field count like Limits::max_fields") {
    const std::string in = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
    std::array<http::Field, 2> fields{};
    http::HeadParser p(http::HeadParser::Kind::request, fields);
    const http::ParseResult r = p.parse(in);
    REQUIRE(r.failed());
    CHECK(r.error == http::Error::too_many_fields);
    CHECK(http::status_for(r.error) == 431);
    // The error sticks until reset().
    CHECK(p.parse(in).error == http::Error::too_many_fields);
}
