#include "http/body_reader.hpp"

#include <doctest/doctest.h>

using namespace wire;

namespace {

http::MessageHead head_with(http::Framing f, std::uint64_t length = 0) {
    http::MessageHead h;
    h.framing = f;
    h.content_length = length;
    return h;
}

}  // namespace

TEST_CASE("Content-Length bodies stop at their length; the rest belongs to the next message") {
    http::BodyReader body;
    body.start(head_with(http::Framing::content_length, 5));
    http::BodyResult r = body.read("hel");
    CHECK(r.need_more());
    CHECK(r.data == "hel");
    r = body.read("loGET / HTTP/1.1");
    CHECK(r.done());
    CHECK(r.data == "lo");
    CHECK(r.consumed == 2);
    CHECK(body.bytes_read() == 5);
    // Once done, reading consumes nothing.
    CHECK(body.read("more").consumed == 0);
}

TEST_CASE("no body and zero-length bodies are done at once") {
    http::BodyReader body;
    body.start(head_with(http::Framing::none));
    CHECK(body.done());
    body.start(head_with(http::Framing::content_length, 0));
    CHECK(body.done());
    CHECK(body.finish().done());
}

TEST_CASE("a close-delimited body ends at finish(); others are unexpected_eof") {
    http::BodyReader body;
    body.start(head_with(http::Framing::until_close));
    CHECK(body.read("abc").data == "abc");
    CHECK_FALSE(body.done());
    CHECK(body.finish().done());

    body.start(head_with(http::Framing::content_length, 10));
    (void)body.read("abc");
    const http::BodyResult eof = body.finish();
    CHECK(eof.failed());
    CHECK(eof.error == http::Error::unexpected_eof);
    CHECK(eof.offset == 3);
}

TEST_CASE("a close-delimited body obeys Limits::max_body") {
    http::ParseOptions options;
    options.limits.max_body = 4;
    http::BodyReader body(options);
    body.start(head_with(http::Framing::until_close));
    CHECK(body.read("abcd").need_more());
    const http::BodyResult r = body.read("e");
    CHECK(r.failed());
    CHECK(r.error == http::Error::body_too_large);
    CHECK(http::status_for(r.error) == 413);
}
