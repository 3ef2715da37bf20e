#include "websocket/opcode.hpp"

#include <doctest/doctest.h>

using namespace wire::websocket;

TEST_CASE("opcode classes (RFC 6455 §5.2, §5.5)") {
    CHECK(is_control(Opcode::close));
    CHECK(is_control(Opcode::ping));
    CHECK(is_control(Opcode::pong));
    CHECK_FALSE(is_control(Opcode::text));
    CHECK_FALSE(is_control(Opcode::binary));
    CHECK_FALSE(is_control(Opcode::continuation));
    int reserved = 0;
    for (std::uint8_t op = 0; op < 16; ++op)
        reserved += is_reserved_opcode(op) ? 1 : 0;
    CHECK(reserved == 10);  // 0x3-0x7 and 0xB-0xF
    for (int op : {0, 1, 2, 8, 9, 10})
        CHECK_FALSE(is_reserved_opcode(static_cast<std::uint8_t>(op)));
}
