// The loops behind the small-message figures of docs/compress.md, with no timer inside: run one
// under callgrind with two counts and divide the difference by the messages between them (so
// start-up does not count), or time it pinned (taskset) and take the user time.
//   build/bench/compress_message_loop inflate N
//     one 1 KiB JSON message as permessage-deflate carries it (zlib -6, raw, sync flush),
//     inflated N times on a reused Inflater;
//   build/bench/compress_message_loop deflate R [messages.jsonl]
//     the 900-1,200 byte messages of the corpus (bench/corpus.sh), compressed R rounds on one
//     level-1 stream with borrowed tables, a sync flush each (context takeover, as
//     permessage-deflate does).
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench/json_message.hpp"
#include "compress/deflater.hpp"
#include "compress/inflater.hpp"

namespace {

using wire::bench::json_message;

namespace wc = wire::compress;

int inflate_loop(long n) {
    const std::string message = json_message(1024);
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    std::vector<std::uint8_t> in(4096);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
    z.avail_in = static_cast<uInt>(message.size());
    z.next_out = in.data();
    z.avail_out = static_cast<uInt>(in.size());
    deflate(&z, Z_SYNC_FLUSH);  // ends with 00 00 ff ff, as the receiver appends it back
    in.resize(z.total_out);
    deflateEnd(&z);
    std::vector<std::uint8_t> out(64 * 1024);
    wc::Inflater inflater;
    for (long i = 0; i < n; ++i) {
        inflater.reset();
        if (inflater.inflate(in, out).produced != message.size()) return 1;
    }
    std::printf("%zu bytes compressed, inflated %ld times\n", in.size(), n);
    return 0;
}

int deflate_loop(long rounds, const char* path) {
    std::ifstream f(path);
    std::vector<std::vector<std::uint8_t>> messages;
    for (std::string line; std::getline(f, line);)
        if (line.size() >= 900 && line.size() <= 1200)
            messages.emplace_back(line.begin(), line.end());
    if (messages.empty()) {
        std::fprintf(stderr, "no messages in %s: run bench/corpus.sh\n", path);
        return 1;
    }
    wc::DeflateTables tables;
    wc::Deflater deflater(wc::DeflateOptions{.level = 1}, tables);
    std::vector<std::uint8_t> out(1 << 20);
    std::size_t in_bytes = 0, out_bytes = 0;
    for (long r = 0; r < rounds; ++r)
        for (const auto& m : messages) {
            out_bytes += deflater.deflate(m, out, wc::Flush::sync).produced;
            in_bytes += m.size();
        }
    std::printf("%zu messages x %ld: %zu -> %zu bytes\n", messages.size(), rounds, in_bytes,
                out_bytes);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    const long n = argc > 2 ? std::atol(argv[2]) : 0;
    if (mode == "inflate") return inflate_loop(n > 0 ? n : 1000000);
    if (mode == "deflate")
        return deflate_loop(n > 0 ? n : 3000,
                            argc > 3 ? argv[3] : "build/bench-corpus/messages.jsonl");
    std::fprintf(stderr, "usage: %s inflate N | deflate ROUNDS [messages.jsonl]\n", argv[0]);
    return 2;
}
