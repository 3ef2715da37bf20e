// Fuzzes ChunkedDecoder directly: decoding byte by byte must give the same body and outcome as
// decoding the whole input at once.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/chunked.hpp"

namespace {

struct Result {
    std::string body;
    int outcome = 0;
    int error = 0;
    std::uint64_t offset = 0;
    std::size_t consumed = 0;
};

Result decode(std::string_view in, std::size_t step) {
    wire::http::Limits limits;
    limits.max_body = 1 << 20;
    limits.max_chunk_extension = 64;
    limits.max_trailer_bytes = 256;
    wire::http::ChunkedDecoder dec(limits);
    Result out;
    // Offer the decoder at most `step` bytes past what it has consumed, until the input ends.
    while (out.consumed < in.size()) {
        const std::size_t n = std::min(step, in.size() - out.consumed);
        const wire::http::BodyResult r = dec.decode(in.substr(out.consumed, n));
        out.body.append(r.data);
        out.consumed += r.consumed;
        if (r.failed()) {
            out.outcome = 2;
            out.error = static_cast<int>(r.error);
            out.offset = r.offset;
            return out;
        }
        if (r.done()) {
            out.outcome = 1;
            return out;
        }
        if (r.consumed == 0) std::abort();  // input offered but nothing taken: a stall
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    const Result whole = decode(in, in.size() + 1);
    const Result bytes = decode(in, 1);
    if (whole.outcome != bytes.outcome || whole.body != bytes.body || whole.error != bytes.error ||
        whole.offset != bytes.offset || whole.consumed != bytes.consumed) {
        std::abort();
    }
    return 0;
}
