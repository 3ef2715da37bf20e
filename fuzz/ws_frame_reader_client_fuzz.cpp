// FrameReader as a client reads server frames (unmasked): same checks as the server target.
#include "fuzz/ws_reader_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wire::fuzz::differential(data, size, wire::websocket::Role::client);
    return 0;
}
