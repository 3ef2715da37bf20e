// Micro-benchmarks of the WebSocket codec: unmasking beside memcpy, UTF-8 validation on ASCII and
// on mixed multibyte text, and frame encode+decode. Boost.Beast's unmasking and UTF-8 checker are
// measured in the same run when its headers are installed.
//
//   build/bench/ws_codec_bench [--runs N]
// Prints one "RESULT what=... mbps=..." line per measurement (median of N runs) and a table.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "websocket/frame_reader.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/mask.hpp"
#include "websocket/utf8.hpp"

#if __has_include(<boost/beast/websocket/detail/utf8_checker.hpp>)
#include <boost/beast/websocket/detail/mask.hpp>
#include <boost/beast/websocket/detail/utf8_checker.hpp>
#define WIRE_HAVE_BEAST 1
#endif

namespace {

using Clock = std::chrono::steady_clock;
using namespace wire::websocket;

volatile std::uint64_t g_sink;  // keeps results alive so the optimizer cannot drop the work

// Runs `fn` (which processes `bytes` bytes) until ~50 ms have passed; returns MB/s.
template <class Fn>
double mbps_once(std::size_t bytes, Fn&& fn) {
    std::size_t iters = 1;
    for (;;) {
        const auto t0 = Clock::now();
        for (std::size_t i = 0; i < iters; ++i)
            fn();
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        if (secs > 0.05)
            return static_cast<double>(bytes) * static_cast<double>(iters) / secs / 1e6;
        iters *= 2;
    }
}

template <class Fn>
double median_mbps(int runs, std::size_t bytes, Fn&& fn) {
    std::vector<double> v;
    for (int r = 0; r < runs; ++r)
        v.push_back(mbps_once(bytes, fn));
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Row {
    std::string what;
    double value;
    const char* unit;
    double ratio;  // against the row's reference; 0 when none
    const char* against;
};

std::vector<Row> g_rows;

void report(const std::string& what, double value, const char* unit, double reference,
            const char* against) {
    g_rows.push_back({what, value, unit, reference > 0 ? value / reference : 0, against});
    std::printf("RESULT what=%s value=%.1f unit=%s\n", what.c_str(), value, unit);
}

void bench_mask(int runs, std::size_t size) {
    std::vector<std::uint8_t> src(size, 0x5A), dst(size);
    const MaskKey key{0x12, 0x34, 0x56, 0x78};
    const std::string tag = std::to_string(size / 1024) + "KiB";
    const double copy = median_mbps(runs, size, [&] {
        std::memcpy(dst.data(), src.data(), size);
        g_sink = g_sink + dst[size / 2];
    });
    report("memcpy " + tag, copy, "MB/s", 0, "");
    const double wire_mask =
        median_mbps(runs, size, [&] { g_sink = g_sink + apply_mask(dst, key, 1) + dst[size / 2]; });
    report("wire apply_mask " + tag, wire_mask, "MB/s", copy, "memcpy");
#ifdef WIRE_HAVE_BEAST
    const double beast_mask = median_mbps(runs, size, [&] {
        boost::beast::websocket::detail::prepared_key k{0x12, 0x34, 0x56, 0x78};
        boost::beast::websocket::detail::mask_inplace(boost::asio::mutable_buffer(dst.data(), size),
                                                      k);
        g_sink = g_sink + dst[size / 2];
    });
    report("beast mask_inplace " + tag, beast_mask, "MB/s", copy, "memcpy");
    g_rows.back().what +=
        " (wire/beast " + std::to_string(wire_mask / beast_mask).substr(0, 4) + "x)";
#endif
}

void bench_utf8(int runs, const std::string& label, const std::string& text) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    const double wire = median_mbps(runs, text.size(), [&] {
        g_sink = g_sink + is_valid_utf8({p, text.size()});
    });
    double peer = 0;
#ifdef WIRE_HAVE_BEAST
    peer = median_mbps(runs, text.size(), [&] {
        boost::beast::websocket::detail::utf8_checker c;
        g_sink = g_sink + (c.write(p, text.size()) && c.finish());
    });
    report("beast utf8_checker " + label, peer, "MB/s", 0, "");
#endif
    report("wire utf8 " + label, wire, "MB/s", peer, peer > 0 ? "beast" : "");
}

// Encode a masked 16-byte binary frame as a client would, then decode it as a server.
void bench_frames(int runs, std::size_t payload_size) {
    std::vector<std::uint8_t> payload(payload_size, 'x');
    std::vector<std::uint8_t> wire_bytes(frame_size(payload_size, true));
    FrameReader reader(ReaderOptions{Role::server, {}, false, 0});
    const MaskKey key{1, 2, 3, 4};
    const double per_sec =
        median_mbps(runs, 1,
                    [&] {
                        auto e = encode_frame(make_header(Opcode::binary, true, Role::client, key),
                                              payload, wire_bytes);
                        auto r = reader.consume({wire_bytes.data(), e.written});
                        g_sink = g_sink + r.consumed + r.event.payload.size();
                    }) *
        1e6;
    report("frame encode+decode " + std::to_string(payload_size) + " B", per_sec, "frames/s", 0,
           "");
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 5;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    }
    bench_mask(runs, 64 * 1024);
    bench_mask(runs, 1024 * 1024);
    const std::string ascii(64 * 1024, 'a');
    std::string mixed;
    while (mixed.size() < 64 * 1024)
        mixed +=
            "price: 12\xE2\x82\xAC caf\xC3\xA9 \xF0\x9F\x98\x80 "
            "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5 ";
    std::string mostly_ascii;
    while (mostly_ascii.size() < 64 * 1024)
        mostly_ascii +=
            "{\"user\":\"jos\xC3\xA9\",\"text\":\"hello there, how are you doing today?\"}";
    bench_utf8(runs, "ASCII 64KiB", ascii);
    bench_utf8(runs, "JSON ~2% multibyte", mostly_ascii);
    bench_utf8(runs, "mixed multibyte", mixed);
    bench_frames(runs, 16);
    bench_frames(runs, 4096);

    std::printf("\n| %-52s | %14s | %-8s | %s |\n", "measurement (median)", "value", "unit",
                "ratio");
    std::printf("|%s|%s|%s|%s|\n", std::string(54, '-').c_str(), std::string(16, '-').c_str(),
                std::string(10, '-').c_str(), std::string(18, '-').c_str());
    for (const auto& r : g_rows) {
        char ratio[64] = "";
        if (r.ratio > 0) std::snprintf(ratio, sizeof ratio, "%.2fx %s", r.ratio, r.against);
        std::printf("| %-52s | %14.0f | %-8s | %s |\n", r.what.c_str(), r.value, r.unit, ratio);
    }
    return 0;
}
