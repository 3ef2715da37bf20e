#include "websocket/shared_frame.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "websocket/frame.hpp"

using namespace wire::websocket;

TEST_CASE("SharedFrame: one unmasked server frame, header and payload (RFC 6455 §5.2)") {
    for (std::size_t size : {0u, 125u, 126u, 65535u, 65536u}) {
        const std::vector<std::uint8_t> payload(size, 0x5a);
        const SharedFrame f = SharedFrame::make(Opcode::binary, payload);
        FrameHeader h;
        const auto r = decode_header(f.bytes(), HeaderOptions{Role::client, 0}, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(h.fin);
        CHECK_FALSE(h.masked);  // §5.1: a server never masks
        CHECK(h.opcode == Opcode::binary);
        CHECK(h.payload_length == size);
        CHECK(f.size() == r.consumed + size);
        CHECK(std::equal(payload.begin(), payload.end(),
                         f.bytes().begin() + static_cast<long>(r.consumed)));
    }
}

TEST_CASE("SharedFrame: copies share one buffer; the last one frees it") {
    SharedFrame a = SharedFrame::make(Opcode::text, {});
    CHECK(a.use_count() == 1);
    {
        SharedFrame b = a;
        SharedFrame c = b;
        CHECK(a.use_count() == 3);
        CHECK(c.bytes().data() == a.bytes().data());
        SharedFrame d = std::move(c);
        CHECK(a.use_count() == 3);
        CHECK_FALSE(c);
    }
    CHECK(a.use_count() == 1);
    const std::string raw = "\x81\x01x";
    const SharedFrame copy =
        SharedFrame::copy_of({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
    CHECK(copy.size() == 3);
}

TEST_CASE("SharedFrame: a control frame over 125 bytes is a programmer error (RFC 6455 §5.5)") {
    const std::vector<std::uint8_t> big(126);
    CHECK_THROWS_AS((void)SharedFrame::make(Opcode::ping, big), std::invalid_argument);
}
