// Streams made by the peers (zlib, libdeflate, the gzip command) and the data they compress,
// shared by the compress tests. zlib and libdeflate are linked by the tests only.
#pragma once

#include <libdeflate.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wire::test {

inline std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// zlib's deflate. window_bits as deflateInit2 takes it: 9..15 zlib, -9..-15 raw, 25..31 gzip.
inline std::string zlib_compress(std::string_view data, int level = 6, int window_bits = 15,
                                 int strategy = Z_DEFAULT_STRATEGY, int mem_level = 8) {
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, window_bits, mem_level, strategy) != Z_OK)
        throw std::runtime_error("deflateInit2");
    std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    return out;
}

// libdeflate at a level 0..12, in the given format.
enum class LibdeflateFormat { raw, zlib, gzip };
inline std::string libdeflate_compress(std::string_view data, int level, LibdeflateFormat f) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    if (c == nullptr) throw std::runtime_error("libdeflate_alloc_compressor");
    std::string out(libdeflate_gzip_compress_bound(c, data.size()) + 64, '\0');
    std::size_t n = 0;
    switch (f) {
        case LibdeflateFormat::raw:
            n = libdeflate_deflate_compress(c, data.data(), data.size(), out.data(), out.size());
            break;
        case LibdeflateFormat::zlib:
            n = libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size());
            break;
        case LibdeflateFormat::gzip:
            n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
            break;
    }
    libdeflate_free_compressor(c);
    if (n == 0) throw std::runtime_error("libdeflate compress");
    out.resize(n);
    return out;
}

// zlib's inflate of a raw stream (windowBits -15): Z_STREAM_END or not, and the bytes.
struct ZlibInflateResult {
    int rc = Z_OK;
    std::string out;
};
inline ZlibInflateResult zlib_inflate_raw(std::string_view in, std::size_t max_out) {
    ZlibInflateResult r;
    z_stream z{};
    inflateInit2(&z, -15);
    r.out.resize(max_out);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(r.out.data());
    z.avail_out = static_cast<uInt>(r.out.size());
    r.rc = inflate(&z, Z_FINISH);
    r.out.resize(z.total_out);
    inflateEnd(&z);
    return r;
}

inline std::string read_file(const char* path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// Output of a shell command (the gzip peer), fed `input` through a temporary file.
inline std::string run_filter(const std::string& command, std::string_view input) {
    char path[] = "/tmp/wire-compress-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp");
    std::FILE* f = fdopen(fd, "wb");
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
    std::FILE* p = popen((command + " < " + path).c_str(), "r");
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        out.append(buf, n);
    pclose(p);
    std::remove(path);
    return out;
}

// Text-like data: words from a small vocabulary with numbers and punctuation, so that it
// compresses with both literals and matches of every length and distance.
inline std::string text_like(std::size_t n, unsigned seed) {
    static const char* words[] = {
        "the",       "inflate", "window", "of",      "symbol", "distance", "{\"type\":\"chat\",",
        "\"user\":", "length",  "block",  "Huffman", "code",   "and",      "a",
        "stream",    "\n"};
    std::mt19937 rng(seed);
    std::string s;
    while (s.size() < n) {
        s += words[rng() % 16];
        s += (rng() % 7 == 0) ? std::to_string(rng() % 100000) : " ";
    }
    s.resize(n);
    return s;
}

inline std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s)
        c = static_cast<char>(rng());
    return s;
}

// The corpus every peer test decodes: empty, tiny, text, random, runs, and real files.
inline std::vector<std::string> corpus() {
    std::vector<std::string> c;
    c.push_back("");
    c.push_back("a");
    c.push_back("hello, hello, hello, hello!");
    c.push_back(text_like(1000, 1));
    c.push_back(text_like(100000, 2));
    c.push_back(random_bytes(70000, 3));
    c.push_back(std::string(100000, 'z'));
    std::string mixed = text_like(40000, 4) + random_bytes(40000, 5) + text_like(40000, 6);
    c.push_back(mixed);
    const std::string license = read_file("/usr/share/common-licenses/GPL-3");
    if (!license.empty()) c.push_back(license);
    return c;
}

}  // namespace wire::test
