// deflate_bench: wire's Deflater beside zlib, libdeflate and ISA-L on the same corpus, in the
// same process and run. All produce raw DEFLATE (RFC 1951) with a 32 KiB window.
//   1. whole files (bench/corpus.sh): MB/s of input and compressed size per peer and level;
//   2. ~1 KiB JSON messages, each compressed with a sync flush on one reused stream (context
//      takeover, as permessage-deflate does): microseconds per message.
// Each round measures every peer once, in thread CPU time; the tables show medians over --runs
// rounds (with the range), and how far each row is from libdeflate, the fastest whole-buffer codec.
//   build/bench/deflate_bench [--corpus DIR] [--runs N] [--ms MILLISECONDS_PER_MEASUREMENT]
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <time.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "compress/deflater.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace wc = wire::compress;

int runs = 5;
double target_seconds = 0.03;

// One compressor: compresses `in` into `out` (large enough), returns the bytes written.
using Compress = std::function<std::size_t(const Bytes& in, Bytes& out)>;

struct Peer {
    std::string name;
    int level;
    Compress compress;
};

Compress wire_peer(int level) {
    auto d = std::make_shared<wc::Deflater>(wc::DeflateOptions{.level = level});
    return [d](const Bytes& in, Bytes& out) {
        d->reset();
        return d->deflate(in, out, wc::Flush::finish).produced;
    };
}

Compress zlib_peer(int level) {
    auto z = std::shared_ptr<z_stream>(new z_stream{}, [](z_stream* s) {
        deflateEnd(s);
        delete s;
    });
    deflateInit2(z.get(), level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    return [z](const Bytes& in, Bytes& out) {
        deflateReset(z.get());
        z->next_in = const_cast<Bytef*>(in.data());
        z->avail_in = static_cast<uInt>(in.size());
        z->next_out = out.data();
        z->avail_out = static_cast<uInt>(out.size());
        deflate(z.get(), Z_FINISH);
        return static_cast<std::size_t>(z->total_out);
    };
}

Compress libdeflate_peer(int level) {
    auto c = std::shared_ptr<libdeflate_compressor>(libdeflate_alloc_compressor(level),
                                                    libdeflate_free_compressor);
    return [c](const Bytes& in, Bytes& out) {
        return libdeflate_deflate_compress(c.get(), in.data(), in.size(), out.data(), out.size());
    };
}

std::uint32_t isal_level_buf_size(int level) {
    return level == 1   ? ISAL_DEF_LVL1_DEFAULT
           : level == 2 ? ISAL_DEF_LVL2_DEFAULT
           : level == 3 ? ISAL_DEF_LVL3_DEFAULT
                        : 0;
}

// ISA-L's streaming deflate (isal_deflate), the state kept and reset per buffer.
struct IsalStream {
    isal_zstream z{};
    Bytes level_buf;
    explicit IsalStream(int level) : level_buf(isal_level_buf_size(level) + 1) {
        isal_deflate_init(&z);
        z.level = static_cast<std::uint32_t>(level);
        z.level_buf = level_buf.data();
        z.level_buf_size = isal_level_buf_size(level);
    }
};

Compress isal_peer(int level) {
    auto s = std::make_shared<IsalStream>(level);
    return [s, level](const Bytes& in, Bytes& out) {
        isal_deflate_reset(&s->z);
        s->z.level = static_cast<std::uint32_t>(level);
        s->z.level_buf = s->level_buf.data();
        s->z.level_buf_size = isal_level_buf_size(level);
        s->z.next_in = const_cast<std::uint8_t*>(in.data());
        s->z.avail_in = static_cast<std::uint32_t>(in.size());
        s->z.next_out = out.data();
        s->z.avail_out = static_cast<std::uint32_t>(out.size());
        s->z.end_of_stream = 1;
        s->z.flush = NO_FLUSH;
        isal_deflate(&s->z);
        return static_cast<std::size_t>(s->z.total_out);
    };
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// The calling thread's CPU time: the machine may be shared, and a thread that waits for a core
// is not slower code.
double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU seconds per call of op, repeated for about target_seconds.
double time_op(const std::function<void()>& op) {
    std::size_t iters = 0;
    const double t0 = cpu_seconds();
    double dt = 0;
    do {
        op();
        ++iters;
        dt = cpu_seconds() - t0;
    } while (dt < target_seconds);
    return dt / static_cast<double>(iters);
}

Bytes read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

struct File {
    std::string name;
    Bytes data;
};

struct Result {
    std::vector<std::vector<double>> seconds;  // [file][round]
    std::vector<std::size_t> size;             // [file]
};

void print_files_table(const std::vector<File>& files, const std::vector<Peer>& peers,
                       const std::vector<Result>& results) {
    std::size_t total_in = 0;
    for (const File& f : files)
        total_in += f.data.size();
    std::printf(
        "\nWhole files, raw DEFLATE: compressed size as %% of input per file; all files: "
        "MB/s (median of %d rounds, min-max) and size\n",
        runs);
    std::printf("%-11s %5s", "peer", "level");
    for (const File& f : files)
        std::printf(" %9.9s", f.name.c_str());
    std::printf(" | %7s %15s %7s | %s\n", "MB/s", "range", "size%", "vs libdeflate same level");
    std::map<int, std::pair<double, double>> libdeflate;  // level -> (MB/s, size%)
    std::vector<std::pair<double, double>> all(peers.size());
    std::vector<std::vector<double>> all_mbps(peers.size());
    for (std::size_t p = 0; p < peers.size(); ++p) {
        std::vector<double> rounds(static_cast<std::size_t>(runs), 0.0);
        std::size_t out = 0;
        for (std::size_t f = 0; f < files.size(); ++f) {
            for (int r = 0; r < runs; ++r)
                rounds[static_cast<std::size_t>(r)] +=
                    results[p].seconds[f][static_cast<std::size_t>(r)];
            out += results[p].size[f];
        }
        std::vector<double> mbps;
        for (double s : rounds)
            mbps.push_back(static_cast<double>(total_in) / s / 1e6);
        all[p] = {median(mbps), 100.0 * static_cast<double>(out) / static_cast<double>(total_in)};
        all_mbps[p] = mbps;
        if (peers[p].name == "libdeflate") libdeflate[peers[p].level] = all[p];
    }
    for (std::size_t p = 0; p < peers.size(); ++p) {
        const std::vector<double>& mbps = all_mbps[p];
        std::printf("%-11s %5d", peers[p].name.c_str(), peers[p].level);
        for (std::size_t f = 0; f < files.size(); ++f)
            std::printf(" %8.2f%%", 100.0 * static_cast<double>(results[p].size[f]) /
                                        static_cast<double>(files[f].data.size()));
        std::printf(" | %7.1f %7.1f-%-7.1f %6.2f%% |", all[p].first,
                    *std::min_element(mbps.begin(), mbps.end()),
                    *std::max_element(mbps.begin(), mbps.end()), all[p].second);
        const int ref = std::clamp(peers[p].level, 1, 12);
        if (libdeflate.count(ref) && peers[p].name != "libdeflate")
            std::printf(" %.2fx speed, %+.2f pts size", all[p].first / libdeflate[ref].first,
                        all[p].second - libdeflate[ref].second);
        std::printf("\n");
    }
    // wire's targets against zlib, from the same rows.
    auto find = [&](const std::string& name, int level) -> std::pair<double, double> {
        for (std::size_t p = 0; p < peers.size(); ++p)
            if (peers[p].name == name && peers[p].level == level) return all[p];
        return {0, 0};
    };
    const auto w1 = find("wire", 1), z1 = find("zlib", 1), w6 = find("wire", 6),
               z6 = find("zlib", 6);
    std::printf(
        "target fast:    wire-1 %.2fx zlib-1 MB/s (>= 1.5), size %.2f%% vs %.2f%% (no worse)\n",
        w1.first / z1.first, w1.second, z1.second);
    std::printf(
        "target default: wire-6 %.2fx zlib-6 MB/s (>= 1.5), size %+.2f%% of zlib-6's (within "
        "1%%)\n",
        w6.first / z6.first, 100.0 * (w6.second / z6.second - 1));
}

// ---- messages on a reused stream, sync flush after each

using MessageStep = std::function<std::size_t(const Bytes& msg, Bytes& out)>;

MessageStep wire_message_peer(std::shared_ptr<wc::Deflater> d) {
    return [d](const Bytes& msg, Bytes& out) {
        return d->deflate(msg, out, wc::Flush::sync).produced;
    };
}

void bench_messages(const std::vector<Bytes>& messages) {
    auto tables = std::make_shared<wc::DeflateTables>();
    auto a = std::make_shared<wc::Deflater>(wc::DeflateOptions{.level = 1}, *tables);
    auto b = std::make_shared<wc::Deflater>(wc::DeflateOptions{.level = 1}, *tables);
    bool turn = false;
    auto z = std::shared_ptr<z_stream>(new z_stream{}, [](z_stream* s) {
        deflateEnd(s);
        delete s;
    });
    deflateInit2(z.get(), 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    auto isal = std::make_shared<IsalStream>(1);
    auto ld = std::shared_ptr<libdeflate_compressor>(libdeflate_alloc_compressor(1),
                                                     libdeflate_free_compressor);
    struct Row {
        std::string name;
        MessageStep step;
    };
    std::vector<Row> rows = {
        {"wire-1, own tables",
         wire_message_peer(std::make_shared<wc::Deflater>(wc::DeflateOptions{.level = 1}))},
        {"wire-1, borrowed tables", wire_message_peer(std::make_shared<wc::Deflater>(
                                        wc::DeflateOptions{.level = 1}, *tables))},
        {"wire-1, 2 streams on 1 tables (re-index each)",
         [=, &turn](const Bytes& msg, Bytes& out) mutable {
             turn = !turn;
             return (turn ? a : b)->deflate(msg, out, wc::Flush::sync).produced;
         }},
        {"zlib-1, Z_SYNC_FLUSH",
         [z](const Bytes& msg, Bytes& out) {
             z->next_in = const_cast<Bytef*>(msg.data());
             z->avail_in = static_cast<uInt>(msg.size());
             z->next_out = out.data();
             z->avail_out = static_cast<uInt>(out.size());
             deflate(z.get(), Z_SYNC_FLUSH);
             return out.size() - z->avail_out;
         }},
        {"isal-1, SYNC_FLUSH",
         [isal](const Bytes& msg, Bytes& out) {
             isal->z.next_in = const_cast<std::uint8_t*>(msg.data());
             isal->z.avail_in = static_cast<std::uint32_t>(msg.size());
             isal->z.next_out = out.data();
             isal->z.avail_out = static_cast<std::uint32_t>(out.size());
             isal->z.end_of_stream = 0;
             isal->z.flush = SYNC_FLUSH;
             isal_deflate(&isal->z);
             return out.size() - isal->z.avail_out;
         }},
        {"libdeflate-1, one-shot (no takeover)",
         [ld](const Bytes& msg, Bytes& out) {
             return libdeflate_deflate_compress(ld.get(), msg.data(), msg.size(), out.data(),
                                                out.size());
         }},
    };
    std::size_t in_bytes = 0;
    for (const Bytes& m : messages)
        in_bytes += m.size();
    Bytes out(1 << 20);
    std::printf(
        "\n%zu JSON messages of %zu B on average, one stream, each message flushed: "
        "us per message (median of %d rounds, min-max) and size\n",
        messages.size(), in_bytes / messages.size(), runs);
    std::vector<std::vector<double>> us(rows.size());
    std::vector<std::size_t> sizes(rows.size());
    for (int r = 0; r < runs; ++r) {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            std::size_t produced = 0;
            const double s = time_op([&] {
                produced = 0;
                for (const Bytes& m : messages)
                    produced += rows[i].step(m, out);
            });
            us[i].push_back(s * 1e6 / static_cast<double>(messages.size()));
            sizes[i] = produced;
        }
    }
    const double ld_us = median(us.back());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::printf("  %-46s %6.2f us (%5.2f-%-5.2f) %6.2f%%  %.2fx libdeflate's time\n",
                    rows[i].name.c_str(), median(us[i]),
                    *std::min_element(us[i].begin(), us[i].end()),
                    *std::max_element(us[i].begin(), us[i].end()),
                    100.0 * static_cast<double>(sizes[i]) / static_cast<double>(in_bytes),
                    median(us[i]) / ld_us);
    }
    std::printf("target: a 1 KiB JSON message at the fast level in <= 3 us: wire-1 %.2f us\n",
                median(us[0]));
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "build/bench-corpus";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        if (opt == "--corpus")
            dir = argv[i + 1];
        else if (opt == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (opt == "--ms")
            target_seconds = std::atof(argv[i + 1]) / 1000.0;
    }
    std::vector<File> files;
    for (const char* name :
         {"licenses.txt", "manpage.txt", "bash.elf", "sources.txt", "messages.jsonl"}) {
        File f{name, read_file(dir + "/" + name)};
        if (f.data.empty()) {
            std::fprintf(stderr, "missing %s/%s: run bench/corpus.sh\n", dir.c_str(), name);
            return 1;
        }
        files.push_back(std::move(f));
    }

    std::vector<Peer> peers;
    for (int level : {1, 6, 9}) {
        peers.push_back({"wire", level, wire_peer(level)});
        peers.push_back({"zlib", level, zlib_peer(level)});
        peers.push_back({"libdeflate", level, libdeflate_peer(level)});
    }
    for (int level : {2, 4, 0})
        peers.push_back({"wire", level, wire_peer(level)});
    for (int level : {0, 1, 2, 3})
        peers.push_back({"isal", level, isal_peer(level)});

    std::vector<Result> results(peers.size());
    Bytes out;
    for (std::size_t p = 0; p < peers.size(); ++p) {
        results[p].seconds.assign(files.size(), {});
        results[p].size.assign(files.size(), 0);
    }
    for (int r = 0; r < runs; ++r) {
        for (std::size_t p = 0; p < peers.size(); ++p) {
            for (std::size_t f = 0; f < files.size(); ++f) {
                out.resize(files[f].data.size() + files[f].data.size() / 8 + 4096);
                std::size_t n = 0;
                results[p].seconds[f].push_back(
                    time_op([&] { n = peers[p].compress(files[f].data, out); }));
                results[p].size[f] = n;
            }
        }
    }
    print_files_table(files, peers, results);

    std::vector<Bytes> messages;
    std::istringstream lines(std::string(files.back().data.begin(), files.back().data.end()));
    for (std::string line; std::getline(lines, line);)
        if (line.size() >= 900 && line.size() <= 1200)
            messages.emplace_back(line.begin(), line.end());
    bench_messages(messages);
    return 0;
}
