// Deflate round trip: compress with the options and flush pattern the first bytes choose,
// decompress with zlib (the reference decoder), compare.
//   byte 0: level (mod 10)       byte 1: window bits 8 + (mod 8)
//   byte 2: format (mod 3), bit 2: borrowed tables (shared by every run, so they hold stale
//           entries from earlier inputs), bit 3: a preset dictionary (the first 64 data bytes)
//   byte 3: flush pattern (2 bits per piece: none, sync, full, none)
//   byte 4: output space per call (0: plenty; else 1..255 bytes)
//   byte 5: seed of the piece sizes; the rest is the data.
// Checks: zlib decodes exactly the data; every sync or full flush ends with 00 00 ff ff; no
// distance beyond 2^window_bits (zlib's window is set to exactly that).
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "compress/deflater.hpp"

namespace {

namespace wc = wire::compress;

void check(bool ok) {
    if (!ok) std::abort();
}

bool inflate_equals(const std::string& z, int window_bits, wc::Format format,
                    const std::string& dictionary, const std::uint8_t* want, std::size_t n) {
    z_stream s{};
    const int bits = format == wc::Format::raw    ? -window_bits
                     : format == wc::Format::zlib ? window_bits
                                                  : 16 + window_bits;
    if (inflateInit2(&s, bits) != Z_OK) return false;
    if (format == wc::Format::raw && !dictionary.empty())
        inflateSetDictionary(&s, reinterpret_cast<const Bytef*>(dictionary.data()),
                             static_cast<uInt>(dictionary.size()));
    std::vector<std::uint8_t> out(n + 1);
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(z.data()));
    s.avail_in = static_cast<uInt>(z.size());
    s.next_out = out.data();
    s.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&s, Z_FINISH);
    if (rc == Z_NEED_DICT) {
        inflateSetDictionary(&s, reinterpret_cast<const Bytef*>(dictionary.data()),
                             static_cast<uInt>(dictionary.size()));
        rc = inflate(&s, Z_FINISH);
    }
    const bool ok = rc == Z_STREAM_END && s.total_out == n && s.avail_in == 0 &&
                    (n == 0 || std::equal(want, want + n, out.data()));
    inflateEnd(&s);
    return ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 6) return 0;
    static wc::DeflateTables shared;
    const int level = data[0] % 10, window_bits = 8 + data[1] % 8;
    const auto format = static_cast<wc::Format>(data[2] % 3);
    const bool borrowed = data[2] & 4,
               with_dictionary = (data[2] & 8) && format != wc::Format::gzip;
    const std::uint8_t pattern = data[3];
    const std::size_t space = data[4] == 0 ? 1 << 17 : data[4];
    std::uint32_t x = 0x9e3779b9u ^ data[5];
    data += 6, size -= 6;

    const wc::DeflateOptions options{.format = format, .level = level, .window_bits = window_bits};
    wc::Deflater d = borrowed ? wc::Deflater(options, shared) : wc::Deflater(options);
    std::string dictionary;
    if (with_dictionary) {
        dictionary.assign(reinterpret_cast<const char*>(data), std::min<std::size_t>(size, 64));
        d.set_dictionary(
            {reinterpret_cast<const std::uint8_t*>(dictionary.data()), dictionary.size()});
    }
    std::string z;
    std::vector<std::uint8_t> buf(space);
    std::size_t at = 0;
    for (int piece = 0;; ++piece) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        const std::size_t take = std::min<std::size_t>(size - at, x % 3000);
        const bool last = at + take == size;
        static constexpr wc::Flush flushes[4] = {wc::Flush::none, wc::Flush::sync, wc::Flush::full,
                                                 wc::Flush::none};
        const wc::Flush flush =
            last ? wc::Flush::finish : flushes[(pattern >> (2 * (piece % 4))) & 3];
        std::span<const std::uint8_t> in(data + at, take);
        for (int calls = 0;; ++calls) {
            check(calls < 1'000'000);
            const wc::StepResult r = d.deflate(in, buf, flush);
            check(!r.failed() && r.consumed <= in.size() && r.produced <= buf.size());
            z.append(reinterpret_cast<const char*>(buf.data()), r.produced);
            in = in.subspan(r.consumed);
            if (r.done()) break;
            if (flush == wc::Flush::none && in.empty() && r.produced < buf.size()) break;
        }
        check(in.empty());
        if (flush == wc::Flush::sync || flush == wc::Flush::full)
            check(z.size() >= 4 && z.compare(z.size() - 4, 4, std::string("\0\0\xff\xff", 4)) == 0);
        at += take;
        if (last) break;
    }
    check(d.total_in() == size);
    check(inflate_equals(z, window_bits, format, dictionary, data, size));
    return 0;
}
