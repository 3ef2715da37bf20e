#include "websocket/frame_writer.hpp"

#include <doctest/doctest.h>

#include "websocket/close.hpp"

#include <string>
#include <vector>

using namespace wire::websocket;

namespace {
std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::string encode(const FrameHeader& h, std::string_view payload) {
    std::vector<std::uint8_t> out(frame_size(payload.size(), h.masked));
    auto r = encode_frame(h, bytes_of(payload), out);
    REQUIRE_FALSE(r.error);
    REQUIRE(r.written == out.size());
    return {reinterpret_cast<const char*>(out.data()), out.size()};
}
}  // namespace

TEST_CASE("encode_frame reproduces the RFC 6455 §5.7 examples") {
    CHECK(encode(make_header(Opcode::text, true, Role::server), "Hello") ==
          std::string("\x81\x05Hello", 7));
    const std::string payload = "Hello";
    CHECK(encode(make_header(Opcode::text, true, Role::client, {0x37, 0xfa, 0x21, 0x3d}),
                 payload) == std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11));
    CHECK(payload == "Hello");  // the caller's bytes are not masked in place
    CHECK(encode(make_header(Opcode::text, false, Role::server), "Hel") ==
          std::string("\x01\x03Hel", 5));
    CHECK(encode(make_header(Opcode::continuation, true, Role::server), "lo") ==
          std::string("\x80\x02lo", 4));
    CHECK(encode(make_header(Opcode::ping, true, Role::server), "Hello") ==
          std::string("\x89\x05Hello", 7));
    const std::string big(256, 'b');
    CHECK(encode(make_header(Opcode::binary, true, Role::server), big).substr(0, 4) ==
          std::string("\x82\x7E\x01\x00", 4));
    const std::string huge(65536, 'h');
    CHECK(encode(make_header(Opcode::binary, true, Role::server), huge).substr(0, 10) ==
          std::string("\x82\x7F\0\0\0\0\0\x01\0\0", 10));
}

TEST_CASE("encode_frame refuses what a peer would have to reject") {
    std::vector<std::uint8_t> out(300);
    const std::string p126(126, 'p');
    CHECK(encode_frame(make_header(Opcode::ping, true, Role::server), bytes_of(p126), out).error ==
          make_error_code(Error::control_frame_too_long));
    CHECK(encode_frame(make_header(Opcode::close, false, Role::server), {}, out).error ==
          make_error_code(Error::control_frame_fragmented));
    FrameHeader h = make_header(Opcode::text, true, Role::server);
    h.opcode = static_cast<Opcode>(3);
    CHECK(encode_frame(h, {}, out).error == make_error_code(Error::reserved_opcode));
    auto r = encode_frame(make_header(Opcode::text, true, Role::client), bytes_of("abc"),
                          std::span<std::uint8_t>(out.data(), 8));
    CHECK(r.error == make_error_code(Error::buffer_too_small));
    CHECK(r.written == 0);
    CHECK(encode_frame(make_header(Opcode::ping, true, Role::server),
                       bytes_of(std::string(125, 'p')), out)
              .written == 127);
}

TEST_CASE("make_header: a client masks, a server does not") {
    const MaskKey key{1, 2, 3, 4};
    auto c = make_header(Opcode::binary, true, Role::client, key, rsv1);
    CHECK(c.masked);
    CHECK(c.mask_key == key);
    CHECK(c.rsv == rsv1);
    auto s = make_header(Opcode::binary, true, Role::server, key);
    CHECK_FALSE(s.masked);
    CHECK(frame_size(125, false) == 127);
    CHECK(frame_size(126, true) == 134);
    CHECK(frame_size(65536, true) == 65536 + 14);
}

TEST_CASE("encode_close_frame: code and reason, masked by a client, refused when invalid") {
    std::vector<std::uint8_t> out(max_header_size + max_control_payload);
    auto r = encode_close_frame(1000, "bye", Role::server, {}, out);
    REQUIRE_FALSE(r.error);
    CHECK(std::string(out.begin(), out.begin() + static_cast<long>(r.written)) ==
          std::string("\x88\x05\x03\xE8"
                      "bye",
                      7));
    r = encode_close_frame(close_code::no_status, "", Role::client, {1, 2, 3, 4}, out);
    REQUIRE_FALSE(r.error);
    CHECK(std::string(out.begin(), out.begin() + static_cast<long>(r.written)) ==
          std::string("\x88\x80\x01\x02\x03\x04", 6));
    r = encode_close_frame(1001, "", Role::client, {0xFF, 0, 0, 0}, out);
    CHECK(r.written == 8);
    CHECK(out[6] == (0x03 ^ 0xFF));  // the code is masked too
    CHECK(encode_close_frame(1005, "x", Role::server, {}, out).error ==
          make_error_code(Error::bad_close_code));
    CHECK(encode_close_frame(1000, std::string(124, 'r'), Role::server, {}, out).error ==
          make_error_code(Error::control_frame_too_long));
    CHECK(encode_close_frame(1000, "\xFF", Role::server, {}, out).error ==
          make_error_code(Error::invalid_utf8));
}
