// wire:glue
#include "websocket/detail/loop_codecs.hpp"

#include <algorithm>
#include <cstring>

namespace wire::websocket::detail {

MessageDeflater& LoopCodecs::fresh_deflater(int window_bits, int level) {
    auto& d = deflaters_[static_cast<std::size_t>(window_bits - 8)];
    if (!d) d = std::make_unique<MessageDeflater>(window_bits, true, level, &tables);
    d->set_level(level);
    return *d;
}

MessageInflater& LoopCodecs::fresh_inflater(int window_bits, std::uint64_t limit) {
    auto& i = inflaters_[static_cast<std::size_t>(window_bits - 8)];
    if (!i) {
        i = std::make_unique<MessageInflater>(window_bits, true, limit);
        i->keep_memory(true);  // shared: the window serves every connection of the loop
    }
    i->set_limit(limit);
    return *i;
}

std::span<const std::uint8_t> LoopCodecs::compress(MessageDeflater& d,
                                                   std::span<const std::uint8_t> in) {
    deflated.size = 0;
    deflated.reserve(MessageDeflater::bound(in.size()));
    for (;;) {
        const auto r = d.deflate(in, deflated.room(), /*last=*/true);
        in = in.subspan(r.consumed);
        deflated.size += r.produced;
        if (r.done) return deflated.bytes();
        deflated.reserve(deflated.capacity + deflated.capacity / 2 + 64);  // the bound was short
    }
}

}  // namespace wire::websocket::detail
