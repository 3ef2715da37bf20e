// Differential inflate fuzz target: wire's inflate against zlib's on the same raw DEFLATE
// input, with the same 32 KiB window. Both must succeed or both fail; when they succeed, with
// the same bytes and the same count of input used. (The fuzz and replay builds link zlib; the
// library never does.)
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "compress/inflater.hpp"

namespace {

constexpr std::size_t limit = 64 * 1024;

void check(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace compress = wire::compress;
    compress::Inflater inf({.format = compress::Format::raw, .max_output = limit});
    static std::vector<std::uint8_t> ours(limit + 1), theirs(limit + 1);  // reused: no page faults
    const auto r = inf.inflate({data, size}, ours, true);

    z_stream z{};
    check(inflateInit2(&z, -15) == Z_OK);
    z.next_in = const_cast<Bytef*>(data);
    z.avail_in = static_cast<uInt>(size);
    z.next_out = theirs.data();
    z.avail_out = static_cast<uInt>(theirs.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t zlib_out = z.total_out, zlib_in = z.total_in;
    inflateEnd(&z);

    if (r.failed() && r.error == compress::Error::output_limit) {
        check(zlib_out > limit);  // zlib, with one byte more room, went past the limit too
        return 0;
    }
    if (zlib_out > limit) {  // zlib went past the limit and then failed; so must we
        check(r.failed());
        return 0;
    }
    check(r.done() == (rc == Z_STREAM_END));
    if (r.done()) {
        check(r.produced == zlib_out);
        check(r.consumed == zlib_in);
        check(std::memcmp(ours.data(), theirs.data(), zlib_out) == 0);
    }
    return 0;
}
