// crypto_bench: wire's SHA-1 and Base64 beside OpenSSL's, in the same process and run.
//   SHA-1 one-shot at 64 B and 16 KiB: wire::crypto::sha1 vs SHA1()
//   Base64 encode/decode at 16 KiB (and 20/24 B, the WebSocket handshake sizes):
//     base64::encode/decode vs EVP_EncodeBlock/EVP_DecodeBlock (MB/s counted in raw bytes)
//   Sec-WebSocket-Accept end to end (SHA-1 of 60 bytes + Base64 of 20)
// Each round times wire and OpenSSL back to back (so both see the same machine noise); the
// table shows medians over --runs rounds and the wire/OpenSSL ratio against its target.
//   build/bench/crypto_bench [--runs N] [--ms MILLISECONDS_PER_MEASUREMENT]
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "crypto/base64.hpp"
#include "crypto/detail/sha1_blocks.hpp"
#include "crypto/sha1.hpp"

namespace {

namespace base64 = wire::crypto::base64;
using Clock = std::chrono::steady_clock;

int runs = 7;
double target_seconds = 0.05;
volatile std::uint64_t sink;
// Results feed a volatile, so no call can be optimised away.
void consume(std::uint64_t v) {
    sink = sink + v;
}

// Iterations that take about target_seconds, found by doubling.
std::size_t calibrate(const std::function<void()>& op) {
    for (std::size_t iters = 1;; iters *= 2) {
        const auto t0 = Clock::now();
        for (std::size_t i = 0; i < iters; ++i)
            op();
        const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
        if (dt > target_seconds / 4)
            return std::max<std::size_t>(
                1, static_cast<std::size_t>(static_cast<double>(iters) * target_seconds / dt));
    }
}

double seconds_per_op(const std::function<void()>& op, std::size_t iters) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < iters; ++i)
        op();
    return std::chrono::duration<double>(Clock::now() - t0).count() / static_cast<double>(iters);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Row {
    std::string what;
    std::size_t bytes;
    double wire_mbps, openssl_mbps, target;
};
std::vector<Row> rows;

// Times `ours` and `theirs` in alternating order each round; records medians in MB/s.
void compare(const std::string& what, std::size_t bytes, double target,
             const std::function<void()>& ours, const std::function<void()>& theirs) {
    const std::size_t n_ours = calibrate(ours), n_theirs = calibrate(theirs);
    std::vector<double> a, b;
    for (int r = 0; r < runs; ++r) {
        if (r % 2 == 0) {
            a.push_back(seconds_per_op(ours, n_ours));
            b.push_back(seconds_per_op(theirs, n_theirs));
        } else {
            b.push_back(seconds_per_op(theirs, n_theirs));
            a.push_back(seconds_per_op(ours, n_ours));
        }
    }
    const double mb = static_cast<double>(bytes) / 1e6;
    rows.push_back({what, bytes, mb / median(a), mb / median(b), target});
    std::fprintf(stderr, ".");
}

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(i * 131 + 7);
    return v;
}

void bench_sha1(std::size_t n, double target) {
    const auto in = pattern(n);
    wire::crypto::Sha1Digest d;
    unsigned char theirs[20];
    wire::crypto::sha1(in).swap(d);
    SHA1(in.data(), n, theirs);
    if (std::memcmp(d.data(), theirs, 20) != 0) std::abort();  // same answer before timing
    compare(
        "sha1", n, target, [&] { consume(wire::crypto::sha1(in)[0]); },
        [&] { consume(SHA1(in.data(), n, theirs)[0]); });
}

void bench_sha1_portable(std::size_t n) {
    // For reference: the portable block function alone (what a CPU without SHA-NI gets).
    const auto in = pattern(n);
    unsigned char theirs[20];
    compare(
        "sha1 portable blocks", n, 0,
        [&] {
            wire::crypto::detail::Sha1State s{1, 2, 3, 4, 5};
            wire::crypto::detail::sha1_blocks_portable(s, in.data(), n / 64);
            consume(s[0]);
        },
        [&] { consume(SHA1(in.data(), n, theirs)[0]); });
}

void bench_base64(std::size_t n, double target) {
    const auto in = pattern(n);
    std::string text(base64::encoded_size(n) + 1, '\0');
    std::vector<unsigned char> evp_text(text.size() + 1), out(n + 3), evp_out(n + 3);
    const std::size_t len = base64::encode(in, text);
    const int elen = EVP_EncodeBlock(evp_text.data(), in.data(), static_cast<int>(n));
    if (std::memcmp(text.data(), evp_text.data(), len) != 0 ||
        static_cast<std::size_t>(elen) != len)
        std::abort();
    const std::string_view view(text.data(), len);
    std::span<std::uint8_t> dst(out.data(), base64::decoded_size(len));
    compare(
        "base64 encode", n, target, [&] { consume(base64::encode(in, text)); },
        [&] {
            consume(static_cast<std::uint64_t>(
                EVP_EncodeBlock(evp_text.data(), in.data(), static_cast<int>(n))));
        });
    compare(
        "base64 decode", n, target, [&] { consume(base64::decode(view, dst).written); },
        [&] {
            consume(
                static_cast<std::uint64_t>(EVP_DecodeBlock(evp_out.data(), evp_text.data(), elen)));
        });
}

void bench_accept() {
    const std::string key_guid = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    const auto* p = reinterpret_cast<const unsigned char*>(key_guid.data());
    char ours[28];
    unsigned char digest[20], theirs[29];
    compare(
        "ws accept (sha1+b64)", key_guid.size(), 0,
        [&] { consume(base64::encode(wire::crypto::sha1(key_guid), ours)); },
        [&] {
            SHA1(p, key_guid.size(), digest);
            consume(static_cast<std::uint64_t>(EVP_EncodeBlock(theirs, digest, 20)));
        });
}

void print_table() {
    std::printf("\n%-22s %7s %12s %12s %7s %8s\n", "what", "bytes", "wire MB/s", "OpenSSL MB/s",
                "ratio", "target");
    bool all_met = true;
    for (const auto& r : rows) {
        const double ratio = r.wire_mbps / r.openssl_mbps;
        std::string verdict = "-";
        if (r.target > 0) {
            char buf[32];
            std::snprintf(buf, sizeof buf, ">=%.1fx %s", r.target,
                          ratio >= r.target ? "ok" : "MISS");
            verdict = buf;
            all_met = all_met && ratio >= r.target;
        }
        std::printf("%-22s %7zu %12.0f %12.0f %6.2fx %s\n", r.what.c_str(), r.bytes, r.wire_mbps,
                    r.openssl_mbps, ratio, verdict.c_str());
    }
    std::printf("medians of %d rounds; SHA-NI %s; targets %s\n", runs,
                wire::crypto::detail::has_sha_ni() ? "in use" : "not available",
                all_met ? "all met" : "NOT all met (noisy machine? rerun)");
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
        if (std::strcmp(argv[i], "--ms") == 0) target_seconds = std::atof(argv[i + 1]) / 1000;
    }
    bench_sha1(64, 0);
    bench_sha1(16384, 0.9);
    bench_sha1_portable(16384);
    bench_base64(20, 0);
    bench_base64(16384, 1.0);
    bench_accept();
    print_table();
    return 0;
}
