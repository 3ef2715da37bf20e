// Inflate fuzz target, in each framing with the output limit set:
//   the first byte chooses the framing (raw, zlib, gzip) and the window (2^8..2^15); the rest
//   is the stream. It is inflated twice: whole into one buffer, and in pieces of input and of
//   output space whose sizes come from a generator seeded by the input. Both must end the same
//   way (done, or the same error) with the same bytes, and never pass the limit.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "compress/inflater.hpp"

namespace {

namespace compress = wire::compress;

constexpr std::size_t limit = 64 * 1024;

void check(bool ok) {
    if (!ok) std::abort();
}

struct Run {
    std::string out;
    compress::StepResult last;
};

Run inflate_in_pieces(const compress::InflateOptions& options, std::span<const std::uint8_t> in,
                      std::uint32_t seed) {
    compress::Inflater inf(options);
    Run run;
    std::vector<std::uint8_t> space;
    std::size_t at = 0, fed = 0;
    std::uint32_t x = seed | 1;
    for (int steps = 0; steps < 1 << 20; ++steps) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        if (fed == at || x % 3 == 0) fed = std::min(in.size(), fed + 1 + (x >> 8) % 64);
        space.resize(1 + (x >> 16) % 1000);
        run.last = inf.inflate(in.subspan(at, fed - at), space, fed == in.size());
        check(run.last.consumed <= fed - at && run.last.produced <= space.size());
        run.out.append(space.begin(), space.begin() + static_cast<long>(run.last.produced));
        at += run.last.consumed;
        check(run.out.size() <= limit);
        if (!run.last.need_more()) return run;
    }
    check(false);  // no progress in a million steps
    return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const compress::Format formats[] = {compress::Format::raw, compress::Format::zlib,
                                        compress::Format::gzip};
    const compress::InflateOptions options{.format = formats[(data[0] >> 3) % 3],
                                           .window_bits = 8 + (data[0] & 7),
                                           .max_output = limit,
                                           .max_header_field = 1024};
    const std::span<const std::uint8_t> in(data + 1, size - 1);

    compress::Inflater whole(options);
    static std::vector<std::uint8_t> buffer(limit + 1);  // reused: no page faults per input
    const auto r = whole.inflate(in, buffer, true);
    check(!r.need_more());  // all the input, room past the limit: it must end
    check(r.produced <= limit && r.consumed <= in.size());

    const Run pieces =
        inflate_in_pieces(options, in, static_cast<std::uint32_t>(size) * 2654435761u);
    check(pieces.last.outcome == r.outcome);
    check(pieces.last.error == r.error);
    check(pieces.out.size() == r.produced);
    check(std::memcmp(pieces.out.data(), buffer.data(), r.produced) == 0);
    return 0;
}
