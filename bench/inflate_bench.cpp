// inflate_bench: wire's Inflater beside zlib, libdeflate and ISA-L, in the same process and run.
//   For each corpus file (compressed once by zlib at level 6, raw DEFLATE): MB/s of output,
//   whole buffer in one call for every peer (zlib inflate(), libdeflate_deflate_decompress(),
//   isal_inflate(), wire's Inflater::inflate(), each on a reused stream), median of --runs
//   rounds, and wire's ratio to zlib (target: at least 1.5) and to libdeflate.
//   A 1 KiB JSON message as permessage-deflate carries it (raw, sync flush, the receiver adding
//   00 00 ff ff): ns per message on a reused stream.
//   build/bench/inflate_bench [--runs N] [--ms MILLISECONDS] [FILE...]
// Files ending in .gz are gunzipped first (man pages). Without FILE arguments: a license text,
// the bash man page, /usr/bin/bash and the project's http/ sources.
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "bench/json_message.hpp"
#include "compress/inflater.hpp"

namespace {

using wire::bench::json_message;

// The thread's CPU time, not the wall clock: on a shared machine another process may run on
// the same core between two readings, and that time is not ours.
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
namespace compress = wire::compress;

int runs = 5;
double target_seconds = 0.1;

std::size_t calibrate(const std::function<void()>& op) {
    for (std::size_t iters = 1;; iters *= 2) {
        const double t0 = cpu_seconds();
        for (std::size_t i = 0; i < iters; ++i)
            op();
        const double dt = cpu_seconds() - t0;
        if (dt > target_seconds / 4)
            return std::max<std::size_t>(
                1, static_cast<std::size_t>(static_cast<double>(iters) * target_seconds / dt));
    }
}

double seconds_per_op(const std::function<void()>& op, std::size_t iters) {
    const double t0 = cpu_seconds();
    for (std::size_t i = 0; i < iters; ++i)
        op();
    return (cpu_seconds() - t0) / static_cast<double>(iters);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string gunzip(const std::string& gz) {
    z_stream z{};
    inflateInit2(&z, 31);
    std::string out(gz.size() * 8 + 1024, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(out.data()) + z.total_out;
        z.avail_out = static_cast<uInt>(out.size() - z.total_out);
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR)) break;
        out.resize(out.size() * 2);
    }
    out.resize(z.total_out);
    inflateEnd(&z);
    return out;
}

// zlib level 6, raw DEFLATE (windowBits -15); with `sync`, a sync flush instead of the end and
// the trailing 00 00 ff ff removed, as a permessage-deflate sender does (RFC 7692 §7.2.1).
std::string zlib_raw(const std::string& data, bool sync = false) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 16, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, sync ? Z_SYNC_FLUSH : Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (sync) out.resize(out.size() - 4);
    return out;
}

struct Peer {
    const char* name;
    // Inflates `in` into `out` (sized to the original); returns the bytes produced.
    std::function<std::size_t(const std::string& in, std::string& out)> inflate;
};

std::vector<Peer> make_peers() {
    std::vector<Peer> peers;
    auto z = std::make_shared<z_stream>();
    inflateInit2(z.get(), -15);
    peers.push_back({"zlib 1.2.13", [z](const std::string& in, std::string& out) {
                         inflateReset(z.get());
                         z->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
                         z->avail_in = static_cast<uInt>(in.size());
                         z->next_out = reinterpret_cast<Bytef*>(out.data());
                         z->avail_out = static_cast<uInt>(out.size());
                         inflate(z.get(), Z_FINISH);
                         return static_cast<std::size_t>(z->total_out);
                     }});
    auto isal = std::make_shared<inflate_state>();
    peers.push_back({"ISA-L", [isal](const std::string& in, std::string& out) {
                         isal_inflate_init(isal.get());
                         isal->crc_flag = ISAL_DEFLATE;
                         isal->next_in =
                             reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
                         isal->avail_in = static_cast<std::uint32_t>(in.size());
                         isal->next_out = reinterpret_cast<std::uint8_t*>(out.data());
                         isal->avail_out = static_cast<std::uint32_t>(out.size());
                         isal_inflate(isal.get());
                         return static_cast<std::size_t>(isal->total_out);
                     }});
    std::shared_ptr<libdeflate_decompressor> ld(libdeflate_alloc_decompressor(),
                                                libdeflate_free_decompressor);
    peers.push_back({"libdeflate", [ld](const std::string& in, std::string& out) {
                         std::size_t n = 0;
                         libdeflate_deflate_decompress(ld.get(), in.data(), in.size(), out.data(),
                                                       out.size(), &n);
                         return n;
                     }});
    auto wire = std::make_shared<compress::Inflater>();
    peers.push_back({"wire", [wire](const std::string& in, std::string& out) {
                         wire->reset();
                         const auto r = wire->inflate(
                             {reinterpret_cast<const std::uint8_t*>(in.data()), in.size()},
                             {reinterpret_cast<std::uint8_t*>(out.data()), out.size()}, true);
                         return r.produced;
                     }});
    return peers;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) {
            runs = std::atoi(argv[++i]);
        } else if (a == "--ms" && i + 1 < argc) {
            target_seconds = std::atof(argv[++i]) / 1000;
        } else {
            files.push_back(a);
        }
    }
    std::vector<std::pair<std::string, std::string>> corpus;  // name, data
    const bool defaults = files.empty();
    if (defaults)
        files = {"/usr/share/common-licenses/GPL-3", "/usr/share/man/man1/bash.1.gz",
                 "/usr/bin/bash"};
    for (const auto& f : files) {
        std::string data = read_file(f);
        if (f.size() > 3 && f.substr(f.size() - 3) == ".gz") data = gunzip(data);
        if (!data.empty()) corpus.emplace_back(std::filesystem::path(f).filename().string(), data);
    }
    if (defaults && std::filesystem::is_directory("http")) {
        std::string sources;
        for (const auto& e : std::filesystem::directory_iterator("http"))
            if (e.path().extension() == ".cpp" || e.path().extension() == ".hpp")
                sources += read_file(e.path().string());
        corpus.emplace_back("http/ sources", sources);
    }

    auto peers = make_peers();
    std::printf(
        "inflate, raw DEFLATE made by zlib -6, whole buffer, MB/s of output (median of %d)\n",
        runs);
    std::printf("%-18s %9s %7s", "file", "bytes", "ratio");
    for (const auto& p : peers)
        std::printf(" %12s", p.name);
    std::printf(" %9s %11s\n", "wire/zlib", "wire/libdef");
    for (const auto& [name, data] : corpus) {
        const std::string z = zlib_raw(data);
        std::string out(data.size(), '\0');
        std::vector<double> mbps;
        for (auto& p : peers) {
            std::fill(out.begin(), out.end(), '\0');
            if (p.inflate(z, out) != data.size() || out != data) {
                std::printf("%s: wrong output for %s\n", p.name, name.c_str());
                return 1;
            }
            const auto op = [&] { p.inflate(z, out); };
            const std::size_t iters = calibrate(op);
            std::vector<double> samples;
            for (int r = 0; r < runs; ++r)
                samples.push_back(static_cast<double>(data.size()) / seconds_per_op(op, iters) /
                                  1e6);
            mbps.push_back(median(samples));
        }
        std::printf("%-18s %9zu %7.3f", name.c_str(), data.size(),
                    static_cast<double>(z.size()) / static_cast<double>(data.size()));
        for (double m : mbps)
            std::printf(" %12.0f", m);
        std::printf(" %9.2f %11.2f\n", mbps[3] / mbps[0], mbps[3] / mbps[2]);
    }

    // One 1 KiB JSON message, as permessage-deflate carries it.
    const std::string message = json_message(1024);
    std::string wire_in = zlib_raw(message, true);
    wire_in += std::string("\x00\x00\xff\xff", 4);
    std::string out(64 * 1024, '\0');
    std::printf("\n1 KiB JSON message (%zu bytes compressed), ns per message (median of %d)\n",
                wire_in.size(), runs);
    compress::Inflater inflater;
    const auto wire_op = [&] {
        inflater.reset();
        const auto r = inflater.inflate(
            {reinterpret_cast<const std::uint8_t*>(wire_in.data()), wire_in.size()},
            {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
        if (r.produced != message.size()) std::abort();
    };
    z_stream z{};
    inflateInit2(&z, -15);
    const auto zlib_op = [&] {
        inflateReset(&z);
        z.next_in = reinterpret_cast<Bytef*>(wire_in.data());
        z.avail_in = static_cast<uInt>(wire_in.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        inflate(&z, Z_SYNC_FLUSH);
        if (z.total_out != message.size()) std::abort();
    };
    struct Op {
        const char* label;
        std::function<void()> run;
    };
    const Op ops[] = {{"wire", wire_op}, {"zlib 1.2.13", zlib_op}};
    for (const auto& op : ops) {
        const std::size_t iters = calibrate(op.run);
        std::vector<double> samples;
        for (int r = 0; r < runs; ++r)
            samples.push_back(seconds_per_op(op.run, iters) * 1e9);
        std::printf("  %-12s %8.0f ns   (target for wire: <= 1000 ns)\n", op.label,
                    median(samples));
    }
    inflateEnd(&z);
    return 0;
}
