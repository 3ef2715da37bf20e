// Close payload parsing: any accepted payload re-encodes to the same bytes.
#include <cstdlib>
#include <cstring>

#include "websocket/close.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::websocket;
    ClosePayload p;
    if (parse_close_payload({data, size}, p)) return 0;
    if (size == 0) {
        if (p.code != close_code::no_status) std::abort();
        return 0;
    }
    std::uint8_t out[2 + 65536];
    std::error_code ec;
    if (p.reason.size() > max_close_reason) return 0;  // valid to receive in a long frame only
    const std::size_t n = encode_close_payload(p.code, p.reason, out, ec);
    if (ec || n != size || std::memcmp(out, data, size) != 0) std::abort();
    if (format_close_message(p.code, p.reason) !=
        std::string(reinterpret_cast<const char*>(data), size)) {
        std::abort();
    }
    return 0;
}
