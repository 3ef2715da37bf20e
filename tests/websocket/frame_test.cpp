#include "websocket/frame.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/split_feed.hpp"

using namespace wire::websocket;

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Feeds `input` under every delivery plan the way a reader does: the bytes not consumed are
// presented again with the next piece after them. Every plan must give the same result.
HeaderResult decode_every_split(std::string_view input, const HeaderOptions& options,
                                FrameHeader& out) {
    HeaderResult first{};
    bool have_first = false;
    for (const auto& plan : wire::test::all_splits(input)) {
        std::string seen;
        HeaderResult r{};
        FrameHeader h{};
        for (auto piece : plan) {
            seen.append(piece);
            r = decode_header(bytes_of(seen), options, h);
            if (r.status != DecodeStatus::need_more) break;
        }
        INFO("plan: " << wire::test::describe_plan(plan, input.size()));
        if (!have_first) {
            first = r;
            out = h;
            have_first = true;
        } else {
            CHECK(r.status == first.status);
            CHECK(r.consumed == first.consumed);
            CHECK(r.error == first.error);
            if (r.status == DecodeStatus::done) CHECK(h.payload_length == out.payload_length);
        }
    }
    return first;
}

const HeaderOptions kServer{Role::server, 0};
const HeaderOptions kClient{Role::client, 0};

}  // namespace

TEST_CASE("RFC 6455 §5.7 examples decode at every split") {
    FrameHeader h;
    SUBCASE("single-frame unmasked text, decoded by a client") {
        auto r = decode_every_split(std::string_view("\x81\x05Hello", 7), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(r.consumed == 2);
        CHECK(h.fin);
        CHECK(h.opcode == Opcode::text);
        CHECK_FALSE(h.masked);
        CHECK(h.payload_length == 5);
    }
    SUBCASE("single-frame masked text, decoded by a server") {
        auto r = decode_every_split(
            std::string_view("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11), kServer, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(r.consumed == 6);
        CHECK(h.masked);
        CHECK(h.mask_key == std::array<std::uint8_t, 4>{0x37, 0xfa, 0x21, 0x3d});
        CHECK(h.payload_length == 5);
    }
    SUBCASE("fragmented unmasked text: first and last fragment") {
        auto r = decode_every_split(std::string_view("\x01\x03Hel", 5), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK_FALSE(h.fin);
        CHECK(h.opcode == Opcode::text);
        r = decode_every_split(std::string_view("\x80\x02lo", 4), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(h.fin);
        CHECK(h.opcode == Opcode::continuation);
    }
    SUBCASE("unmasked ping and masked pong") {
        auto r = decode_every_split(std::string_view("\x89\x05Hello", 7), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(h.opcode == Opcode::ping);
        r = decode_every_split(std::string_view("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11),
                               kServer, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(h.opcode == Opcode::pong);
    }
    SUBCASE("256 bytes binary in a 16-bit length") {
        auto r = decode_every_split(std::string_view("\x82\x7E\x01\x00", 4), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(r.consumed == 4);
        CHECK(h.opcode == Opcode::binary);
        CHECK(h.payload_length == 256);
    }
    SUBCASE("64 KiB binary in a 64-bit length") {
        auto r = decode_every_split(
            std::string_view("\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10), kClient, h);
        REQUIRE(r.status == DecodeStatus::done);
        CHECK(r.consumed == 10);
        CHECK(h.payload_length == 65536);
    }
}

TEST_CASE("length boundaries round-trip through encode and decode at every split") {
    const std::uint64_t lengths[] = {0, 1, 125, 126, 127, 65535, 65536, (1ULL << 63) - 1};
    const std::size_t sizes[] = {2, 2, 2, 4, 4, 4, 10, 10};
    for (std::size_t i = 0; i < std::size(lengths); ++i) {
        for (bool masked : {false, true}) {
            CAPTURE(lengths[i]);
            CAPTURE(masked);
            FrameHeader in;
            in.fin = false;
            in.opcode = Opcode::binary;
            in.masked = masked;
            in.payload_length = lengths[i];
            in.mask_key = {1, 2, 3, 4};
            std::uint8_t buf[max_header_size];
            const std::size_t n = encode_header(in, buf);
            CHECK(n == sizes[i] + (masked ? 4 : 0));
            CHECK(n == header_size(lengths[i], masked));
            FrameHeader out;
            auto r = decode_every_split({reinterpret_cast<const char*>(buf), n},
                                        masked ? kServer : kClient, out);
            REQUIRE(r.status == DecodeStatus::done);
            CHECK(r.consumed == n);
            CHECK(out.payload_length == lengths[i]);
            CHECK(out.fin == false);
            CHECK(out.masked == masked);
            if (masked) CHECK(out.mask_key == in.mask_key);
        }
    }
}

TEST_CASE("encode_header refuses a buffer that is too small") {
    FrameHeader h;
    h.payload_length = 70000;
    h.masked = true;
    std::uint8_t buf[13];
    CHECK(encode_header(h, buf) == 0);
    std::uint8_t big[14];
    CHECK(encode_header(h, big) == 14);
}

TEST_CASE("every framing rejection, at every split") {
    struct Case {
        const char* name;
        std::string bytes;
        HeaderOptions options;
        Error error;
    };
    const std::vector<Case> cases = {
        {"RSV1 without extension", std::string("\xC1\x80", 2), kServer, Error::reserved_bits_set},
        {"RSV2", std::string("\xA1\x80", 2), kServer, Error::reserved_bits_set},
        {"RSV3", std::string("\x91\x80", 2), kServer, Error::reserved_bits_set},
        {"RSV2 with only RSV1 negotiated",
         std::string("\xA1\x80", 2),
         {Role::server, rsv1},
         Error::reserved_bits_set},
        {"opcode 3", std::string("\x83\x80", 2), kServer, Error::reserved_opcode},
        {"opcode 7", std::string("\x87\x80", 2), kServer, Error::reserved_opcode},
        {"opcode 0xB", std::string("\x8B\x80", 2), kServer, Error::reserved_opcode},
        {"opcode 0xF", std::string("\x8F\x80", 2), kServer, Error::reserved_opcode},
        {"fragmented ping", std::string("\x09\x80", 2), kServer, Error::control_frame_fragmented},
        {"fragmented close", std::string("\x08\x80", 2), kServer, Error::control_frame_fragmented},
        {"ping of 126 bytes", std::string("\x89\xFE\x00\x7E", 4), kServer,
         Error::control_frame_too_long},
        {"pong of 64-bit length", std::string("\x8A\xFF", 2), kServer,
         Error::control_frame_too_long},
        {"unmasked frame to a server", std::string("\x81\x05", 2), kServer,
         Error::unmasked_client_frame},
        {"masked frame to a client", std::string("\x81\x85", 2), kClient,
         Error::masked_server_frame},
        {"16-bit length holding 125", std::string("\x82\x7E\x00\x7D", 4), kClient,
         Error::non_minimal_length},
        {"16-bit length holding 0", std::string("\x82\x7E\x00\x00", 4), kClient,
         Error::non_minimal_length},
        {"64-bit length holding 65535", std::string("\x82\x7F\0\0\0\0\0\0\xFF\xFF", 10), kClient,
         Error::non_minimal_length},
        {"64-bit length holding 1", std::string("\x82\x7F\0\0\0\0\0\0\0\x01", 10), kClient,
         Error::non_minimal_length},
        {"64-bit length with top bit", std::string("\x82\x7F\x80\0\0\0\0\0\0\0", 10), kClient,
         Error::length_too_large},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        FrameHeader h;
        auto r = decode_every_split(c.bytes, c.options, h);
        CHECK(r.status == DecodeStatus::error);
        CHECK(r.error == make_error_code(c.error));
        CHECK(close_code_for(c.error) == 1002);
    }
}

TEST_CASE("rejections come at the first byte that shows them") {
    FrameHeader h;
    // One byte is enough to see a reserved opcode or RSV bit; the length is not needed.
    auto r = decode_header(bytes_of(std::string_view("\x83", 1)), kServer, h);
    CHECK(r.status == DecodeStatus::error);
    r = decode_header(bytes_of(std::string_view("\x09", 1)), kServer, h);
    CHECK(r.error == make_error_code(Error::control_frame_fragmented));
    // An unmasked client frame is seen at byte two, before its payload.
    r = decode_header(bytes_of(std::string_view("\x82\x7F", 2)), kServer, h);
    CHECK(r.error == make_error_code(Error::unmasked_client_frame));
}

TEST_CASE("negotiated RSV bits and empty input") {
    FrameHeader h;
    auto r =
        decode_header(bytes_of(std::string_view("\xC1\x80\1\2\3\4", 6)), {Role::server, rsv1}, h);
    REQUIRE(r.status == DecodeStatus::done);
    CHECK(h.rsv == rsv1);
    r = decode_header({}, kServer, h);
    CHECK(r.status == DecodeStatus::need_more);
    CHECK(r.consumed == 0);
}
