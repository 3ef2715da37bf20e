#include "websocket/envelope.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace wire::websocket;

TEST_CASE("an envelope carries the origin, the opcode and the payload") {
    const auto h = encode_envelope_header(0x0102030405060708ull, Opcode::text);
    CHECK(h[0] == envelope_version);
    CHECK(h[1] == 0x01);
    CHECK(h[8] == 0x08);
    CHECK(h[9] == 0x01);
    std::vector<std::uint8_t> bytes(h.begin(), h.end());
    bytes.push_back('h');
    bytes.push_back('i');
    Envelope e;
    REQUIRE(decode_envelope(bytes, e));
    CHECK(e.origin == 0x0102030405060708ull);
    CHECK(e.opcode == Opcode::text);
    CHECK(e.payload.size() == 2);
    CHECK(e.payload[0] == 'h');
}

TEST_CASE("bytes that are no envelope are refused") {
    Envelope e;
    const std::uint8_t short_one[] = {1, 0, 0};
    CHECK_FALSE(decode_envelope(short_one, e));
    auto h = encode_envelope_header(7, Opcode::binary);
    h[0] = 2;  // another version
    CHECK_FALSE(decode_envelope(h, e));
    h = encode_envelope_header(7, Opcode::ping);  // control frames never travel
    CHECK_FALSE(decode_envelope(h, e));
    h = encode_envelope_header(7, Opcode::binary);
    CHECK(decode_envelope(h, e));
    CHECK(e.payload.empty());
}
