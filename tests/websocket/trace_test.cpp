#include "websocket/trace.hpp"
#include "websocket/close.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace wire::websocket;

namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

FrameHeader header(Opcode op, std::uint64_t len, bool masked = false, bool fin = true) {
    FrameHeader h;
    h.fin = fin;
    h.opcode = op;
    h.payload_length = len;
    h.masked = masked;
    if (masked) h.mask_key = {0x37, 0xfa, 0x21, 0x3d};
    return h;
}

}  // namespace

TEST_CASE("describe_frame: the RFC 6455 §5.7 masked \"Hello\" as one annotated line") {
    const std::string line =
        describe_frame(header(Opcode::text, 5, true), bytes_of("Hello"), Direction::received);
    CHECK(line ==
          "ws recv | FIN=1 RSV=000 op=0x1 text         | MASK=1 key=37fa213d | len=5 (7-bit)  "
          "  | \"Hello\"");
}

TEST_CASE("describe_frame: direction, FIN, RSV bits and unmasked frames") {
    FrameHeader h = header(Opcode::binary, 3, false, false);
    h.rsv = rsv1 | rsv3;
    const std::uint8_t data[] = {0x00, 0xff, 0x10};
    const std::string line = describe_frame(h, data, Direction::sent);
    CHECK(line.rfind("ws send | FIN=0 RSV=101 op=0x2 binary ", 0) == 0);
    CHECK(line.find("| MASK=0 ") != std::string::npos);
    CHECK(line.find("| 00 ff 10") != std::string::npos);
}

TEST_CASE("describe_frame: the length encoding RFC 6455 §5.2 uses at 125/126/65535/65536") {
    CHECK(
        describe_frame(header(Opcode::binary, 125), {}, Direction::sent).find("len=125 (7-bit)") !=
        std::string::npos);
    CHECK(
        describe_frame(header(Opcode::binary, 126), {}, Direction::sent).find("len=126 (16-bit)") !=
        std::string::npos);
    CHECK(describe_frame(header(Opcode::binary, 65535), {}, Direction::sent)
              .find("len=65535 (16-bit)") != std::string::npos);
    CHECK(describe_frame(header(Opcode::binary, 65536), {}, Direction::sent)
              .find("len=65536 (64-bit)") != std::string::npos);
}

TEST_CASE("describe_frame: a close frame shows its code, the code's name and the reason") {
    const std::string payload = std::string("\x03\xe8", 2) + "bye";
    const std::string line =
        describe_frame(header(Opcode::close, payload.size()), bytes_of(payload), Direction::sent);
    CHECK(line.find("code=1000 (normal closure) reason=\"bye\"") != std::string::npos);

    const std::string empty = describe_frame(header(Opcode::close, 0), {}, Direction::received);
    CHECK(empty.find("no status code (1005)") != std::string::npos);

    const std::string one =
        describe_frame(header(Opcode::close, 1), bytes_of("x"), Direction::received);
    CHECK(one.find("malformed") != std::string::npos);

    const std::string bad(std::string("\x03\xec", 2));  // 1004 is reserved
    CHECK(describe_frame(header(Opcode::close, 2), bytes_of(bad), Direction::received)
              .find("code=1004 (reserved, not allowed on the wire)") != std::string::npos);
    const std::string app(std::string("\x0f\xa0", 2));  // 4000
    CHECK(describe_frame(header(Opcode::close, 2), bytes_of(app), Direction::received)
              .find("code=4000 (application)") != std::string::npos);
}

TEST_CASE("preview_payload: text is quoted and escaped, binary is hex, long payloads are cut") {
    CHECK(preview_payload(bytes_of("a\"b\\c\n"), 6) == "\"a\\\"b\\\\c\\n\"");
    CHECK(preview_payload({}, 0) == "(empty)");
    CHECK(preview_payload({}, 10) == "(10 bytes, not shown)");

    const std::string long_text(100, 'x');
    const std::string p = preview_payload(bytes_of(long_text), 100);
    CHECK(p == "\"" + std::string(48, 'x') + "\" ... (48 of 100 bytes shown)");

    std::vector<std::uint8_t> bin(20);
    for (std::size_t i = 0; i < bin.size(); ++i)
        bin[i] = static_cast<std::uint8_t>(i);
    CHECK(preview_payload(bin, 20) ==
          "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ... (16 of 20 bytes shown)");

    // A payload streamed in part: 3 bytes of 1000 were given.
    CHECK(preview_payload(bytes_of("abc"), 1000) == "\"abc\" ... (3 of 1000 bytes shown)");
}

TEST_CASE("preview_payload never cuts a UTF-8 character in half") {
    // "é" is 2 bytes; 47 'a' + "é" puts the character across the 48-byte preview edge.
    const std::string text = std::string(47, 'a') + "\xc3\xa9" + "zz";
    const std::string p = preview_payload(bytes_of(text), text.size());
    CHECK(p == "\"" + std::string(47, 'a') + "\" ... (47 of 51 bytes shown)");
}

TEST_CASE("preview_payload: invalid UTF-8 and control characters are shown as hex") {
    CHECK(preview_payload(bytes_of("\xff\xfe"), 2) == "ff fe");
    CHECK(preview_payload(bytes_of(std::string("a\0b", 3)), 3) == "61 00 62");
}

TEST_CASE("describe_accept derives the RFC 6455 §1.3 sample accept value step by step") {
    const std::string out = describe_accept("dGhlIHNhbXBsZSBub25jZQ==", Direction::sent);
    CHECK(out ==
          "ws send | accept 1/3: key + GUID = "
          "\"dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11\" (RFC 6455 §4.2.2)\n"
          "ws send | accept 2/3: SHA-1 = b37a4f2cc0624f1690f64606cf385945b2bec4ea (FIPS 180-4)\n"
          "ws send | accept 3/3: Base64 = s3pPLMBiTxaQ9kYGzzhZRbK+xOo= (RFC 4648 §4) = "
          "Sec-WebSocket-Accept\n");
}

TEST_CASE("describe_accept: a client checking the server's value sees match or mismatch") {
    const auto ok = describe_accept("dGhlIHNhbXBsZSBub25jZQ==", Direction::received,
                                    "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    CHECK(ok.find("accept: the server's value matches\n") != std::string::npos);
    const auto bad = describe_accept("dGhlIHNhbXBsZSBub25jZQ==", Direction::received, "nope");
    CHECK(bad.find("MISMATCH, the server sent nope") != std::string::npos);
}

TEST_CASE("opcode and close code names") {
    CHECK(opcode_name(0x0) == "continuation");
    CHECK(opcode_name(0x9) == "ping");
    CHECK(opcode_name(0x3) == "reserved");
    CHECK(close_code_name(1001) == "going away");
    CHECK(close_code_name(3000) == "registered/library");
    CHECK(close_code_name(2000).empty());
}
