// Differential target: a request or response fed whole and fed in random pieces must give the
// same answer (outcome, error and offset, every field, the body). The first byte picks the
// message kind and the leniency; the cut points come from a generator seeded by the input,
// so every run of one input is the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "tests/http/message_runner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire;
    if (size < 2) return 0;
    const auto kind =
        (data[0] & 1) ? http::HeadParser::Kind::response : http::HeadParser::Kind::request;
    http::ParseOptions options;
    options.lenient.bare_lf = (data[0] & 2) != 0;
    options.limits.max_head_bytes = 2048;
    options.limits.max_request_line = 512;
    options.limits.max_target = 256;
    options.limits.max_fields = 16;
    const bool eof = (data[0] & 4) != 0;
    const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i < size; ++i)
        state = (state ^ data[i]) * 0x100000001B3ull;
    std::vector<std::string_view> plan;
    std::size_t pos = 0;
    while (pos < in.size()) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const std::size_t len = 1 + (state >> 33) % 16;
        plan.push_back(in.substr(pos, len));
        pos += plan.back().size();
    }

    test::MessageRunner runner(kind, options, false);
    const std::string whole = runner.run({in}, eof).describe();
    const std::string split = runner.run(plan, eof).describe();
    if (whole != split) std::abort();
    return 0;
}
