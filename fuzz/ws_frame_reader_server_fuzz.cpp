// FrameReader as a server reads client frames: never crashes, never over-reads, and message mode
// and streaming mode at small reads report the same messages and errors.
#include "fuzz/ws_reader_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wire::fuzz::differential(data, size, wire::websocket::Role::server);
    return 0;
}
