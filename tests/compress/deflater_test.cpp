#include "compress/deflater.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/compress/deflate_corpus.hpp"
#include "tests/support/split_feed.hpp"

using wire::compress::DeflateOptions;
using wire::compress::Deflater;
using wire::compress::DeflateTables;
using wire::compress::Flush;
using wire::compress::Format;
using wire::test::bytes;
using wire::test::zlib_inflate;

namespace {

// Feeds `in` to `d` in pieces of in_step bytes (0: whole), the last with `last_flush`, giving
// out_step bytes of output space per call. Appends to `out`.
void feed(Deflater& d, std::string_view in, std::size_t in_step, std::size_t out_step,
          Flush last_flush, std::string& out) {
    std::vector<std::uint8_t> space(out_step);
    do {
        const std::size_t n = in_step == 0 ? in.size() : std::min(in_step, in.size());
        std::string_view piece = in.substr(0, n);
        in.remove_prefix(n);
        const Flush flush = in.empty() ? last_flush : Flush::none;
        for (int calls = 0;; ++calls) {
            REQUIRE(calls < 10'000'000);
            const auto r = d.deflate(bytes(piece), space, flush);
            REQUIRE(!r.failed());
            REQUIRE(r.consumed <= piece.size());
            REQUIRE(r.produced <= space.size());
            out.append(reinterpret_cast<const char*>(space.data()), r.produced);
            piece.remove_prefix(r.consumed);
            if (r.done()) {
                CHECK(piece.empty());
                break;
            }
            // need_more with Flush::none: all input taken and the output not full.
            if (flush == Flush::none && piece.empty() && r.produced < space.size()) break;
        }
    } while (!in.empty());
}

std::string compress(std::string_view in, DeflateOptions o, std::size_t in_step = 0,
                     std::size_t out_step = 1 << 20) {
    Deflater d(o);
    std::string out;
    feed(d, in, in_step, out_step, Flush::finish, out);
    return out;
}

int zlib_bits(Format f, int w) {
    return f == Format::raw ? -w : f == Format::zlib ? w : 16 + w;
}

// zlib's raw inflate fed chunk by chunk, for flushed streams that never end.
class RawInflater {
  public:
    explicit RawInflater(int window_bits) { inflateInit2(&z_, -window_bits); }
    ~RawInflater() { inflateEnd(&z_); }
    // Decodes a chunk that ends at a flush point; nullopt on an error.
    std::optional<std::string> decode(std::string_view chunk) {
        std::string out;
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
        z_.avail_in = static_cast<uInt>(chunk.size());
        char buf[4096];
        do {
            z_.next_out = reinterpret_cast<Bytef*>(buf);
            z_.avail_out = sizeof buf;
            const int rc = inflate(&z_, Z_SYNC_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return std::nullopt;
            out.append(buf, sizeof buf - z_.avail_out);
        } while (z_.avail_in != 0 || z_.avail_out == 0);
        return out;
    }

  private:
    z_stream z_{};
};

std::string hex_tail(std::string_view s, std::size_t n) {
    std::string h;
    char b[4];
    for (std::size_t i = s.size() > n ? s.size() - n : 0; i < s.size(); ++i) {
        std::snprintf(b, sizeof b, "%02x", static_cast<unsigned char>(s[i]));
        h += b;
    }
    return h;
}

}  // namespace

TEST_CASE("deflate: every level and window size round-trips through zlib's inflate") {
    for (const auto& [corpus_name, data] : wire::test::corpus(48 * 1024)) {
        const std::string& name = corpus_name;  // (clang 14 cannot capture a structured binding)
        for (int level = 0; level <= 9; ++level) {
            for (int w = 8; w <= 15; ++w) {
                CAPTURE(name);
                CAPTURE(level);
                CAPTURE(w);
                const std::string z =
                    compress(data, {.format = Format::raw, .level = level, .window_bits = w});
                // zlib's window of 2^w rejects any distance beyond 2^w ("too far back").
                const auto back = zlib_inflate(z, -w);
                REQUIRE(back.has_value());
                CHECK(*back == data);
                CHECK(z.size() <= Deflater::bound(data.size()));
            }
        }
    }
}

TEST_CASE("deflate: a back-reference never reaches beyond 2^window_bits") {
    // A random block repeated at distances just inside and just beyond each window size.
    for (int w = 8; w <= 15; ++w) {
        const std::size_t window = std::size_t{1} << w;
        const std::string block = wire::test::make_random(200, 7);
        std::string data = block + wire::test::make_random(window - 200, 8) + block +
                           wire::test::make_random(window - 199, 9) + block;
        for (int level : {1, 6, 9}) {
            CAPTURE(w);
            CAPTURE(level);
            const std::string z = compress(data, {.level = level, .window_bits = w});
            const auto back = zlib_inflate(z, -w);
            REQUIRE(back.has_value());
            CHECK(*back == data);
            // The repeat at exactly 2^w was found: the output is smaller than the input.
            if (level > 0) CHECK(z.size() < data.size() - 100);
        }
    }
}

TEST_CASE("deflate: any split of the input and of the output space gives the same bytes") {
    const std::string data = wire::test::make_text(700, 11) + wire::test::make_json(500, 12);
    for (int level : {0, 1, 4, 6, 9}) {
        for (int w : {8, 15}) {
            CAPTURE(level);
            CAPTURE(w);
            const DeflateOptions o{.level = level, .window_bits = w};
            const std::string whole = compress(data, o);
            REQUIRE(zlib_inflate(whole, -w) == data);
            // Input arriving in any two pieces, or byte by byte.
            for (const auto& plan : wire::test::all_splits(data)) {
                Deflater d(o);
                std::string out;
                for (std::size_t i = 0; i < plan.size(); ++i)
                    feed(d, plan[i], 0, 1 << 16, i + 1 == plan.size() ? Flush::finish : Flush::none,
                         out);
                CHECK(out == whole);
            }
            // Output space of every size from 1 byte up.
            for (std::size_t step = 1; step <= 64; ++step)
                CHECK(compress(data, o, 0, step) == whole);
        }
    }
}

TEST_CASE("deflate: long streams in odd pieces through small output space") {
    const std::string data = wire::test::make_mixed(300 * 1024, 21);
    for (int level : {0, 1, 6}) {
        for (auto [in_size, out_size] : std::vector<std::pair<std::size_t, std::size_t>>{
                 {1, 7}, {7, 1}, {4097, 100}, {65536, 65536}, {100000, 3}}) {
            const std::size_t in_step = in_size, out_step = out_size;
            if (level != 1 && (in_step == 1 || out_step == 1)) continue;  // time, not coverage
            for (Format f : {Format::raw, Format::zlib, Format::gzip}) {
                CAPTURE(level);
                CAPTURE(in_step);
                CAPTURE(out_step);
                const std::string z =
                    compress(data, {.format = f, .level = level}, in_step, out_step);
                CHECK(zlib_inflate(z, zlib_bits(f, 15)) == data);
            }
        }
    }
}

TEST_CASE("deflate: a sync flush ends with 00 00 ff ff and everything so far decodes") {
    for (int level : {0, 1, 6}) {
        for (int w : {8, 10, 15}) {
            CAPTURE(level);
            CAPTURE(w);
            Deflater d({.level = level, .window_bits = w});
            RawInflater z(w);
            wire::test::Rng rng(5);
            for (int i = 0; i < 40; ++i) {
                const std::string msg =
                    i == 7 ? std::string()
                           : wire::test::make_json_message(64 + rng.below(3000), rng);
                std::string out;
                feed(d, msg, 0, i % 3 == 0 ? 5 : 1 << 16, Flush::sync, out);
                REQUIRE(out.size() >= 4);
                CHECK(hex_tail(out, 4) == "0000ffff");
                CHECK(z.decode(out) == msg);
            }
        }
    }
}

TEST_CASE("deflate: after a full flush, a fresh decoder decodes what follows") {
    const std::string a = wire::test::make_json(20000, 31), b = a.substr(5000, 10000) + "tail";
    for (int level : {1, 6, 9}) {
        CAPTURE(level);
        Deflater d({.level = level});
        std::string first, second;
        feed(d, a, 0, 1 << 20, Flush::full, first);
        CHECK(hex_tail(first, 4) == "0000ffff");
        feed(d, b, 0, 1 << 20, Flush::finish, second);
        // No back-reference crosses the flush point: `second` decodes alone.
        CHECK(zlib_inflate(second, -15) == b);
        CHECK(zlib_inflate(first + second, -15) == a + b);
    }
    // Without the full flush, the same data refers back (and would not decode alone).
    Deflater d({.level = 6});
    std::string first, second;
    feed(d, a, 0, 1 << 20, Flush::sync, first);
    feed(d, b, 0, 1 << 20, Flush::finish, second);
    CHECK(!zlib_inflate(second, -15).has_value());
    CHECK(zlib_inflate(first + second, -15) == a + b);
}

TEST_CASE("deflate: data that does not compress goes out in stored blocks") {
    for (std::size_t n : {std::size_t{100}, std::size_t{70000}, std::size_t{400000}}) {
        const std::string data = wire::test::make_random(n, 41);
        for (int level : {1, 6, 9}) {
            CAPTURE(n);
            CAPTURE(level);
            const std::string z = compress(data, {.level = level});
            CHECK(zlib_inflate(z, -15) == data);
            // RFC 1951 §3.2.4: 5 bytes per stored block, one block per ~16 KiB of input here.
            CHECK(z.size() <= n + 5 * (n / 16000 + 2));
            CHECK((static_cast<unsigned char>(z[0]) & 6) == 0);  // BTYPE 00
        }
    }
}

TEST_CASE("deflate: two streams interleaved on borrowed tables stay correct and compress") {
    DeflateTables tables;
    // Level 1 lays the tables out as buckets, the others as chains: a stream at 1 and one at
    // 6 turn the layout over at every call.
    const std::pair<int, int> level_pairs[] = {{1, 1}, {6, 6}, {1, 6}, {6, 1}};
    for (const auto& [level, other_level] : level_pairs) {
        CAPTURE(level);
        CAPTURE(other_level);
        Deflater a({.level = level}, tables), b({.level = other_level}, tables);
        RawInflater za(15), zb(15);
        wire::test::Rng rng(9);
        const std::string repeated = wire::test::make_json_message(1500, rng);
        std::size_t first_size = 0, again_size = 0;
        for (int i = 0; i < 30; ++i) {
            const std::string ma =
                i % 5 == 0 ? repeated : wire::test::make_json_message(100 + rng.below(4000), rng);
            const std::string mb = wire::test::make_text(100 + rng.below(4000), rng.next());
            std::string oa, ob;
            feed(a, ma, 0, 1 << 16, Flush::sync, oa);
            feed(b, mb, 0, i % 4 == 0 ? 3 : 1 << 16, Flush::sync, ob);
            CHECK(za.decode(oa) == ma);
            CHECK(zb.decode(ob) == mb);
            if (i == 0) first_size = oa.size();
            if (i == 25) again_size = oa.size();
        }
        // Context takeover survives the other stream's use of the tables: the repeated
        // message refers back to its earlier copy.
        CHECK(again_size * 5 < first_size);
    }
    // A borrowed stream holds its window and a small state, never tables of its own.
    Deflater d({.level = 6}, tables);
    std::string out;
    feed(d, wire::test::make_json(100000, 3), 0, 1 << 20, Flush::sync, out);
    CHECK(d.memory_in_use() <= 32768 + 16384 + 2048);
    CHECK(tables.memory_in_use() >= 128 * 1024);
    Deflater own({.level = 6});
    std::string out2;
    feed(own, wire::test::make_json(100000, 3), 0, 1 << 20, Flush::sync, out2);
    CHECK(own.memory_in_use() > d.memory_in_use() + 128 * 1024);
}

TEST_CASE("deflate: memory follows the bytes: a stream of small messages keeps a small window") {
    DeflateTables tables;
    Deflater d({.level = 1, .window_bits = 8}, tables);
    wire::test::Rng rng(3);
    for (int i = 0; i < 100; ++i) {
        std::string out;
        feed(d, wire::test::make_json_message(200, rng), 0, 4096, Flush::sync, out);
    }
    CHECK(d.memory_in_use() <= 4096 + 1024);
}

TEST_CASE("deflate: zlib framing (RFC 1950)") {
    // The header zlib itself writes for a 32 KiB window at each FLEVEL.
    CHECK(hex_tail(compress("", {.format = Format::zlib, .level = 1}), 100) == "7801030000000001");
    CHECK(hex_tail(compress("", {.format = Format::zlib, .level = 6}), 100) == "789c030000000001");
    CHECK(hex_tail(compress("", {.format = Format::zlib, .level = 9}), 100) == "78da030000000001");
    CHECK(hex_tail(compress("", {.format = Format::raw}), 100) == "0300");
    const std::string data = wire::test::make_text(50000);
    for (int w = 8; w <= 15; ++w) {
        const std::string z = compress(data, {.format = Format::zlib, .window_bits = w});
        const unsigned cmf = static_cast<unsigned char>(z[0]),
                       flg = static_cast<unsigned char>(z[1]);
        CHECK(cmf == (8u | static_cast<unsigned>(w - 8) << 4));
        CHECK((cmf * 256 + flg) % 31 == 0);
        CHECK(zlib_inflate(z, 15) == data);
    }
}

TEST_CASE("deflate: a preset dictionary (RFC 1950 FDICT) makes the first message small") {
    const std::string dictionary = wire::test::make_json(8000, 77);
    const std::string msg = dictionary.substr(3000, 1200);
    Deflater d({.format = Format::zlib});
    d.set_dictionary(bytes(dictionary));
    std::string out;
    feed(d, msg, 0, 1 << 16, Flush::finish, out);
    CHECK((static_cast<unsigned char>(out[1]) & 0x20) != 0);
    CHECK(zlib_inflate(out, 15, dictionary) == msg);
    CHECK(out.size() < 40);
    // Raw: the dictionary is history the decoder must be given too.
    Deflater raw({.format = Format::raw});
    raw.set_dictionary(bytes(dictionary));
    std::string out_raw;
    feed(raw, msg, 0, 1 << 16, Flush::finish, out_raw);
    z_stream z{};
    inflateInit2(&z, -15);
    inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()),
                         static_cast<uInt>(dictionary.size()));
    std::string back(msg.size() + 10, '\0');
    z.next_in = reinterpret_cast<Bytef*>(out_raw.data());
    z.avail_in = static_cast<uInt>(out_raw.size());
    z.next_out = reinterpret_cast<Bytef*>(back.data());
    z.avail_out = static_cast<uInt>(back.size());
    CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);
    back.resize(z.total_out);
    inflateEnd(&z);
    CHECK(back == msg);
}

TEST_CASE("deflate: gzip framing (RFC 1952) with name, comment, mtime and OS") {
    const std::string data = wire::test::make_mixed(70000, 8);
    Deflater d({.format = Format::gzip, .level = 9});
    d.set_gzip_header("notes.txt", "made by wire", 1700000000u, 3);
    std::string out;
    feed(d, data, 0, 1 << 20, Flush::finish, out);
    CHECK(static_cast<unsigned char>(out[8]) == 2);  // XFL: best compression
    z_stream z{};
    inflateInit2(&z, 16 + 15);
    char name[64] = {}, comment[64] = {};
    gz_header h{};
    h.name = reinterpret_cast<Bytef*>(name);
    h.name_max = sizeof name;
    h.comment = reinterpret_cast<Bytef*>(comment);
    h.comm_max = sizeof comment;
    inflateGetHeader(&z, &h);
    std::string back(data.size() + 10, '\0');
    z.next_in = reinterpret_cast<Bytef*>(out.data());
    z.avail_in = static_cast<uInt>(out.size());
    z.next_out = reinterpret_cast<Bytef*>(back.data());
    z.avail_out = static_cast<uInt>(back.size());
    CHECK(inflate(&z, Z_FINISH) == Z_STREAM_END);  // CRC-32 and ISIZE checked
    back.resize(z.total_out);
    inflateEnd(&z);
    CHECK(back == data);
    CHECK(std::string(name) == "notes.txt");
    CHECK(std::string(comment) == "made by wire");
    CHECK(h.time == 1700000000u);
    CHECK(h.os == 3);
}

TEST_CASE("deflate: gzip -d and Python's zlib (wbits -8..-15) decode wire's output") {
    char dir[] = "/tmp/wire-deflate-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    const std::string base = dir;
    const std::string data = wire::test::make_mixed(100000, 17);
    auto write = [](const std::string& path, const std::string& s) {
        std::ofstream(path, std::ios::binary) << s;
    };
    auto read = [](const std::string& path) {
        std::ifstream f(path, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    };
    write(base + "/a.gz", compress(data, {.format = Format::gzip, .level = 6}));
    REQUIRE(std::system(("gzip -dc " + base + "/a.gz > " + base + "/a.out").c_str()) == 0);
    CHECK(read(base + "/a.out") == data);
    for (int w = 8; w <= 15; ++w) {
        CAPTURE(w);
        write(base + "/r.raw", compress(data, {.level = w % 2 ? 1 : 6, .window_bits = w}));
        const std::string cmd =
            "python3 -c \"import sys,zlib; d=open(sys.argv[1],'rb').read(); "
            "open(sys.argv[2],'wb').write(zlib.decompress(d," +
            std::to_string(-w) + "))\" " + base + "/r.raw " + base + "/r.out";
        REQUIRE(std::system(cmd.c_str()) == 0);
        CHECK(read(base + "/r.out") == data);
    }
    std::system(("rm -rf " + base).c_str());
}

TEST_CASE("deflate: set_level between messages, reset and reuse") {
    const std::string data = wire::test::make_json(30000, 50);
    Deflater d({.level = 6});
    RawInflater z(15);
    std::string all;
    for (int level : {6, 0, 1, 9, 3, 0, 6}) {
        d.set_level(level);
        std::string out;
        const std::string msg = data.substr(static_cast<std::size_t>(level) * 1000, 5000);
        feed(d, msg, 0, 1 << 16, Flush::sync, out);
        CHECK(z.decode(out) == msg);
    }
    CHECK_THROWS_AS(d.set_level(10), std::invalid_argument);
    // After reset() the stream starts over: the same bytes as a new Deflater.
    d.reset();
    d.set_level(6);
    std::string again;
    feed(d, data, 0, 1 << 20, Flush::finish, again);
    CHECK(again == compress(data, {.level = 6}));
    // A finished stream takes no more input.
    std::uint8_t space[64];
    const auto r = d.deflate(bytes("more"), space, Flush::finish);
    CHECK(r.done());
    CHECK(r.consumed == 0);
}

TEST_CASE("deflate: bound() is room enough to finish in one call") {
    for (const auto& [corpus_name, data] : wire::test::corpus(150000)) {
        const std::string& name = corpus_name;  // (clang 14 cannot capture a structured binding)
        for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, data.size()}) {
            for (Format f : {Format::raw, Format::zlib, Format::gzip}) {
                CAPTURE(name);
                CAPTURE(n);
                Deflater d({.format = f, .level = 1});
                std::vector<std::uint8_t> out(Deflater::bound(n, f));
                const auto r =
                    d.deflate(bytes(std::string_view(data).substr(0, n)), out, Flush::finish);
                CHECK(r.done());
                CHECK(r.consumed == n);
            }
        }
    }
}

TEST_CASE("deflate: options out of range are a programmer error") {
    CHECK_THROWS_AS(Deflater({.level = -1}), std::invalid_argument);
    CHECK_THROWS_AS(Deflater({.level = 10}), std::invalid_argument);
    CHECK_THROWS_AS(Deflater({.window_bits = 7}), std::invalid_argument);
    CHECK_THROWS_AS(Deflater({.window_bits = 16}), std::invalid_argument);
    CHECK_NOTHROW(Deflater({.level = 0, .window_bits = 8}));
}

TEST_CASE("deflate: deflate_all and the counters") {
    const std::string data = wire::test::make_text(12345);
    const std::string z = wire::compress::deflate_all(bytes(data), {.format = Format::gzip});
    CHECK(zlib_inflate(z, 31) == data);
    Deflater d;
    std::string out;
    feed(d, data, 1000, 1 << 16, Flush::finish, out);
    CHECK(d.total_in() == data.size());
    CHECK(d.total_out() == out.size());
}
