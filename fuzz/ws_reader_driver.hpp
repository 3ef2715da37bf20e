// Shared by the FrameReader fuzz targets: drives a reader the way a connection does and records
// what it reports, so two runs (message mode on whole input, streaming mode in small reads) can
// be compared. Test-only code.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "websocket/frame_reader.hpp"

namespace wire::fuzz {

struct Run {
    std::string messages;  // completed messages and control frames, in order
    std::error_code error;
    bool incomplete = false;  // input ended inside a frame
};

inline Run drive(std::span<const std::uint8_t> input, const websocket::ReaderOptions& options,
                 std::size_t chunk) {
    using namespace wire::websocket;
    FrameReader reader(options);
    Run run;
    std::vector<std::uint8_t> pending;
    std::string current;
    std::size_t at = 0;
    while (at < input.size()) {
        const std::size_t n = std::min(chunk, input.size() - at);
        pending.insert(pending.end(), input.begin() + static_cast<long>(at),
                       input.begin() + static_cast<long>(at + n));
        at += n;
        for (;;) {
            auto [consumed, ev] = reader.consume(pending);
            if (consumed > pending.size()) std::abort();
            const std::string bytes(ev.payload.begin(), ev.payload.end());
            pending.erase(pending.begin(), pending.begin() + static_cast<long>(consumed));
            if (ev.type == EventType::error) {
                run.error = ev.error;
                return run;
            }
            if (ev.type == EventType::need_more) {
                if (ev.need <= pending.size()) std::abort();  // a caller would spin forever
                break;
            }
            if (ev.type == EventType::control) {
                run.messages +=
                    "C" + std::to_string(static_cast<int>(ev.opcode)) + ":" + bytes + ";";
                continue;
            }
            if (ev.message_begin) current.clear();
            current += bytes;
            if (ev.message_end) {
                run.messages +=
                    "D" + std::to_string(static_cast<int>(ev.opcode)) + ":" + current + ";";
            }
        }
    }
    run.incomplete = !pending.empty() || reader.in_message();
    return run;
}

// Message mode on the whole input against streaming mode in reads of 1-16 bytes.
inline void differential(const std::uint8_t* data, std::size_t size, websocket::Role role) {
    if (size < 1) return;
    websocket::ReaderOptions options;
    options.role = role;
    // The first byte picks the read limit and whether RSV1 is negotiated.
    options.limits.max_message_size = data[0] & 0x80 ? 16u * 1024 * 1024 : (data[0] & 0x3Fu) * 8;
    options.allowed_rsv = data[0] & 0x40 ? websocket::rsv1 : 0;
    const std::span<const std::uint8_t> input(data + 1, size - 1);
    const Run whole = drive(input, options, input.size() + 1);
    options.streaming = true;
    const Run pieces = drive(input, options, 1 + (data[0] & 0x0F));
    // Both report the same messages. Streaming may also fail on the first bytes of a frame that
    // message mode never saw complete; otherwise the errors agree.
    if (whole.messages != pieces.messages) std::abort();
    const bool streaming_saw_more = !whole.error && pieces.error && whole.incomplete;
    if (whole.error != pieces.error && !streaming_saw_more) std::abort();
}

}  // namespace wire::fuzz
