#include "http/chunked.hpp"

#include <doctest/doctest.h>

#include <string>

#include "tests/http/vectors.hpp"
#include "tests/support/guard_page.hpp"

using namespace wire;

TEST_CASE("chunk data comes back as views into the input, one run per call") {
    const std::string in = "5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nT: v\r\n\r\nNEXT";
    http::ChunkedDecoder dec;
    std::string_view rest = in;
    std::vector<std::string_view> runs;
    for (;;) {
        const http::BodyResult r = dec.decode(rest);
        REQUIRE_FALSE(r.failed());
        if (!r.data.empty()) {
            CHECK(r.data.data() >= in.data());
            CHECK(r.data.data() + r.data.size() <= in.data() + in.size());
            runs.push_back(r.data);
        }
        rest.remove_prefix(r.consumed);
        if (r.done()) break;
    }
    CHECK(runs == std::vector<std::string_view>{"hello", " world"});
    CHECK(rest == "NEXT");  // the decoder stops at the end of the chunked body
    CHECK(dec.body_bytes() == 11);
}

TEST_CASE("a chunk split across reads is delivered in pieces") {
    http::ChunkedDecoder dec;
    http::BodyResult r = dec.decode("a\r\n01234");
    CHECK(r.need_more());
    CHECK(r.data == "01234");
    CHECK(r.consumed == 8);
    r = dec.decode("56789\r\n0\r\n\r\n");
    CHECK(r.data == "56789");
    r = dec.decode(std::string_view("56789\r\n0\r\n\r\n").substr(r.consumed));
    CHECK(r.done());
}

TEST_CASE("after an error the decoder keeps answering with it; reset() starts over") {
    http::ChunkedDecoder dec;
    const http::BodyResult bad = dec.decode("xyz\r\n");
    REQUIRE(bad.failed());
    CHECK(bad.error == http::Error::bad_chunk_size);
    CHECK(dec.decode("0\r\n\r\n").error == http::Error::bad_chunk_size);
    dec.reset();
    CHECK(dec.decode("0\r\n\r\n").done());
}

TEST_CASE("no chunked body prefix makes the decoder read past the buffer (guard page)") {
    for (const test::Vector& v : test::chunked_vectors()) {
        CAPTURE(v.name);
        const std::size_t body_at = v.input.find("\r\n\r\n") + 4;
        const std::string_view body = std::string_view(v.input).substr(body_at);
        for (std::size_t n = 0; n <= body.size(); ++n) {
            test::GuardedBuffer buf(body.substr(0, n));
            http::ChunkedDecoder dec(v.options.limits, v.options.lenient);
            std::string_view rest = buf.view();
            while (!rest.empty()) {
                const http::BodyResult r = dec.decode(rest);
                if (r.failed() || r.done()) break;
                rest.remove_prefix(r.consumed);
            }
        }
    }
}
