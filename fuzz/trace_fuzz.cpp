// Trace formatting (http/trace.hpp, websocket/trace.hpp) on arbitrary bytes: the first byte
// picks what the rest is read as. Trace lines describe what arrived from the network, so they
// must handle any header, any payload (cut anywhere, not UTF-8, a close payload of any length)
// and any head without reading past it. Checks that each description is one line and says
// what it should.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "http/trace.hpp"
#include "websocket/frame.hpp"
#include "websocket/trace.hpp"

namespace {

void frame(std::span<const std::uint8_t> in) {
    using namespace wire::websocket;
    if (in.size() < 2) return;
    // Any header the decoder produces, and also the raw fields of one it rejects.
    FrameHeader h;
    const HeaderOptions options{(in[1] & 0x80) ? Role::server : Role::client, rsv1 | rsv2 | rsv3};
    const HeaderResult r = decode_header(in, options, h);
    if (r.status != DecodeStatus::done) {
        h.fin = (in[0] & 0x80) != 0;
        h.rsv = static_cast<std::uint8_t>(in[0] & 0x70);
        h.opcode = static_cast<Opcode>(in[0] & 0x0F);
        h.masked = (in[1] & 0x80) != 0;
        h.payload_length = in[1] & 0x7F;
    }
    const auto payload = in.subspan(r.status == DecodeStatus::done ? r.consumed : 2);
    const std::string line = describe_frame(h, payload, Direction::received);
    if (line.find('\n') != std::string::npos) std::abort();  // a payload cannot forge a line
    if (line.rfind("ws recv | FIN=", 0) != 0) std::abort();
}

void head(std::string_view in) {
    const std::string text = wire::http::describe_head(in, wire::http::Direction::sent);
    if (text.empty() || text.back() != '\n') std::abort();
    // Every line is prefixed, so a field value cannot start a line of its own.
    std::size_t at = 0;
    while (at < text.size()) {
        if (text.compare(at, 12, "http send | ") != 0) std::abort();
        at = text.find('\n', at) + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    switch (data[0] % 3) {
        case 0: frame(rest); break;
        case 1:
            head({reinterpret_cast<const char*>(rest.data()), rest.size()});
            break;
        default: {
            // A payload preview alone, as if only part of a longer frame had been shown.
            const std::string p = wire::websocket::preview_payload(rest, rest.size() + data[0]);
            if (p.find('\n') != std::string::npos) std::abort();
        }
    }
    return 0;
}
