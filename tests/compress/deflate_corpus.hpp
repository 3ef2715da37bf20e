// Test data for the compress layer, made in the test (no files needed): text from a small
// vocabulary, WebSocket-like JSON messages, random bytes, runs, and a mix of them; plus zlib's
// inflate as the reference decoder for wire's deflate output.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace wire::test {

// A small deterministic generator (xorshift64*), so every run sees the same bytes.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : x_(seed * 0x9e3779b97f4a7c15ull + 1) {}
    std::uint64_t next() {
        x_ ^= x_ >> 12, x_ ^= x_ << 25, x_ ^= x_ >> 27;
        return x_ * 0x2545f4914f6cdd1dull;
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

  private:
    std::uint64_t x_;
};

inline std::string make_text(std::size_t n, std::uint64_t seed = 1) {
    static const char* const words[] = {
        "the",       "frame",      "of",      "a",       "message",    "server",  "client",
        "mask",      "payload",    "length",  "opcode",  "close",      "ping",    "pong",
        "header",    "field",      "value",   "and",     "to",         "is",      "in",
        "that",      "window",     "deflate", "block",   "huffman",    "code",    "literal",
        "distance",  "match",      "stream",  "bytes",   "connection", "upgrade", "protocol",
        "extension", "negotiated", "context", "takeover"};
    Rng rng(seed);
    std::string s;
    while (s.size() < n) {
        s += words[rng.below(std::size(words))];
        s += rng.below(12) == 0 ? ".\n" : " ";
    }
    s.resize(n);
    return s;
}

// One JSON chat or telemetry message of about `n` bytes.
inline std::string make_json_message(std::size_t n, Rng& rng) {
    static const char* const users[] = {"alice", "bob", "carol", "dave", "eve", "mallory"};
    std::string s = "{\"type\":\"";
    s += rng.below(2) ? "chat" : "telemetry";
    s += "\",\"seq\":" + std::to_string(rng.below(1000000)) + ",\"user\":\"" +
         users[rng.below(std::size(users))] +
         "\",\"ts\":" + std::to_string(1700000000000ull + rng.below(100000000)) + ",\"data\":[";
    while (s.size() + 40 < n) {
        s += "{\"id\":" + std::to_string(rng.below(5000)) +
             ",\"temp\":" + std::to_string(rng.below(40)) + "." + std::to_string(rng.below(10)) +
             ",\"ok\":" + (rng.below(5) ? "true" : "false") + "},";
    }
    if (s.back() == ',') s.pop_back();
    s += "]}";
    return s;
}

inline std::string make_json(std::size_t n, std::uint64_t seed = 2) {
    Rng rng(seed);
    std::string s;
    while (s.size() < n)
        s += make_json_message(64 + rng.below(2048), rng) + "\n";
    s.resize(n);
    return s;
}

inline std::string make_random(std::size_t n, std::uint64_t seed = 3) {
    Rng rng(seed);
    std::string s(n, '\0');
    for (char& c : s)
        c = static_cast<char>(rng.next() >> 56);
    return s;
}

// Runs of a few bytes, long repeats, text and noise in turn: every block type and long matches.
inline std::string make_mixed(std::size_t n, std::uint64_t seed = 4) {
    Rng rng(seed);
    std::string s;
    while (s.size() < n) {
        switch (rng.below(4)) {
            case 0:
                s += std::string(1 + rng.below(600), static_cast<char>('a' + rng.below(3)));
                break;
            case 1:
                s += make_text(100 + rng.below(3000), rng.next());
                break;
            case 2:
                s += make_random(50 + rng.below(2000), rng.next());
                break;
            default:
                if (!s.empty()) {
                    const std::size_t from = rng.below(s.size());
                    s +=
                        s.substr(from, std::min<std::size_t>(s.size() - from, 1 + rng.below(5000)));
                }
        }
    }
    s.resize(n);
    return s;
}

inline std::vector<std::pair<std::string, std::string>> corpus(std::size_t n) {
    return {{"text", make_text(n)},
            {"json", make_json(n)},
            {"random", make_random(n)},
            {"zeros", std::string(n, '\0')},
            {"mixed", make_mixed(n)}};
}

inline std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// zlib's inflate as the reference: window_bits as zlib takes them (-8..-15 raw, 8..15 zlib,
// 16 + w gzip). nullopt when zlib reports an error or the stream does not end.
inline std::optional<std::string> zlib_inflate(std::string_view in, int window_bits,
                                               std::string_view dictionary = {}) {
    z_stream z{};
    if (inflateInit2(&z, window_bits) != Z_OK) return std::nullopt;
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    char buf[16384];
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_NEED_DICT) {
            rc = inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()),
                                      static_cast<uInt>(dictionary.size()));
            continue;
        }
        out.append(buf, sizeof buf - z.avail_out);
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) return std::nullopt;
    return out;
}

}  // namespace wire::test
