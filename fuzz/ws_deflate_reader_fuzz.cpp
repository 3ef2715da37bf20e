// The frame reader with permessage-deflate on (RSV1 allowed), both roles, as a Conn drives it:
// compressed messages go through MessageInflater with the read limit on inflated bytes. The
// first input byte picks the role, the peer's window, context takeover and how the rest is cut;
// the same input read whole with roomy output and in small reads with a 7-byte output must give
// the same messages and the same verdict, and no message may grow past the limit.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "websocket/frame_reader.hpp"
#include "websocket/message_inflater.hpp"

namespace {

using namespace wire::websocket;

constexpr std::uint64_t kLimit = 1 << 20;

struct Outcome {
    std::string messages;
    std::error_code error;
};

Outcome drive(std::span<const std::uint8_t> input, Role role, int window_bits, bool takeover,
              std::size_t chunk, std::size_t out_room) {
    ReaderOptions options;
    options.role = role;
    options.streaming = true;
    options.allowed_rsv = rsv1;
    options.limits.max_message_size = kLimit;
    FrameReader reader(options);
    MessageInflater inflater(window_bits, !takeover, kLimit);
    Outcome o;
    std::vector<std::uint8_t> pending;
    std::vector<std::uint8_t> out(out_room);
    std::string current;
    bool compressed = false;
    std::size_t at = 0;
    while (at < input.size()) {
        const std::size_t n = std::min(chunk, input.size() - at);
        pending.insert(pending.end(), input.begin() + static_cast<long>(at),
                       input.begin() + static_cast<long>(at + n));
        at += n;
        for (;;) {
            auto [consumed, ev] = reader.consume(pending);
            if (consumed > pending.size()) std::abort();
            const std::vector<std::uint8_t> bytes(ev.payload.begin(), ev.payload.end());
            pending.erase(pending.begin(), pending.begin() + static_cast<long>(consumed));
            if (ev.type == EventType::error) {
                o.error = ev.error;
                return o;
            }
            if (ev.type == EventType::need_more) break;
            if (ev.type == EventType::control) continue;
            if (ev.message_begin) {
                current.clear();
                compressed = (ev.rsv & rsv1) != 0;
                if (compressed) inflater.begin_message(ev.opcode == Opcode::text);
            }
            if (!compressed) {
                current.append(bytes.begin(), bytes.end());
            } else {
                std::span<const std::uint8_t> in(bytes);
                for (;;) {
                    const auto r = inflater.inflate(in, out, ev.message_end);
                    current.append(out.begin(), out.begin() + static_cast<long>(r.produced));
                    in = in.subspan(r.consumed);
                    if (r.error) {
                        o.error = r.error;
                        return o;
                    }
                    if (current.size() > kLimit) std::abort();  // the limit holds while inflating
                    // A full `out` may leave bytes owed even with `in` all read.
                    if (inflater.message_done() ||
                        (in.empty() && !ev.message_end && r.produced < out.size()))
                        break;
                }
            }
            if (ev.message_end) o.messages += std::to_string(current.size()) + ":" + current + ";";
        }
    }
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t pick = data[0];
    const Role role = (pick & 1) ? Role::client : Role::server;
    const int window_bits = 8 + ((pick >> 1) & 7);
    const bool takeover = (pick & 0x10) != 0;
    const std::size_t chunk = 1 + ((pick >> 5) & 7);
    const std::span<const std::uint8_t> input(data + 1, size - 1);
    const Outcome whole = drive(input, role, window_bits, takeover, input.size() + 1, 1 << 16);
    const Outcome pieces = drive(input, role, window_bits, takeover, chunk, 7);
    if (whole.messages != pieces.messages || whole.error != pieces.error) std::abort();
    return 0;
}
