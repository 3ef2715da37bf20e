#include "compress/inflater.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/compress/inflate_driver.hpp"
#include "tests/compress/peers.hpp"
#include "tests/support/split_feed.hpp"

namespace {

using wire::compress::Error;
using wire::compress::Format;
using wire::compress::InflateOptions;
using wire::compress::Inflater;
using wire::compress::Outcome;
using wire::test::bytes;

// zlib's windowBits for a format and window size.
int zlib_window_bits(Format f, int bits) {
    return f == Format::raw ? -bits : f == Format::gzip ? bits + 16 : bits;
}

const char* name(Format f) {
    return f == Format::raw ? "raw" : f == Format::zlib ? "zlib" : "gzip";
}

void check_inflates(std::string_view compressed, const std::string& original, Format format,
                    int window_bits = 15) {
    std::string out;
    const auto ec = wire::compress::inflate_all(bytes(compressed), out,
                                                {.format = format, .window_bits = window_bits});
    CHECK_MESSAGE(!ec, ec.message());
    CHECK(out.size() == original.size());
    CHECK(out == original);
}

}  // namespace

TEST_CASE("inflate: zlib's streams at every level and strategy, in each framing") {
    const auto corpus = wire::test::corpus();
    const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
    for (const Format format : {Format::raw, Format::zlib, Format::gzip})
        for (int level = 0; level <= 9; ++level)
            for (const int strategy : strategies)
                for (std::size_t i = 0; i < corpus.size(); ++i) {
                    INFO("format " << std::string(name(format)));
                    CAPTURE(level);
                    CAPTURE(strategy);
                    CAPTURE(i);
                    const std::string z = wire::test::zlib_compress(
                        corpus[i], level, zlib_window_bits(format, 15), strategy);
                    check_inflates(z, corpus[i], format);
                }
}

TEST_CASE("inflate: zlib's streams for every window size 9..15 with the window set to match") {
    const auto corpus = wire::test::corpus();
    for (int bits = 9; bits <= 15; ++bits)
        for (const Format format : {Format::raw, Format::zlib})
            for (const int level : {1, 6, 9})
                for (std::size_t i = 0; i < corpus.size(); ++i) {
                    CAPTURE(bits);
                    CAPTURE(level);
                    CAPTURE(i);
                    const std::string z =
                        wire::test::zlib_compress(corpus[i], level, zlib_window_bits(format, bits));
                    check_inflates(z, corpus[i], format, bits);
                }
}

TEST_CASE("inflate: libdeflate's streams at every level, in each framing") {
    using wire::test::LibdeflateFormat;
    const auto corpus = wire::test::corpus();
    for (int level = 0; level <= 12; ++level)
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            CAPTURE(level);
            CAPTURE(i);
            check_inflates(wire::test::libdeflate_compress(corpus[i], level, LibdeflateFormat::raw),
                           corpus[i], Format::raw);
            check_inflates(
                wire::test::libdeflate_compress(corpus[i], level, LibdeflateFormat::zlib),
                corpus[i], Format::zlib);
            check_inflates(
                wire::test::libdeflate_compress(corpus[i], level, LibdeflateFormat::gzip),
                corpus[i], Format::gzip);
        }
}

TEST_CASE("inflate: the gzip command's output at levels 1, 6 and 9") {
    const auto corpus = wire::test::corpus();
    for (const char* level : {"-1", "-6", "-9"})
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            CAPTURE(level);
            CAPTURE(i);
            const std::string gz =
                wire::test::run_filter(std::string("gzip -c ") + level, corpus[i]);
            REQUIRE(gz.size() >= 18);
            check_inflates(gz, corpus[i], Format::gzip);
        }
}

TEST_CASE("inflate: every split of the input and of the output space gives the same bytes") {
    const std::string original =
        wire::test::text_like(3000, 7) + std::string(300, 'x') + wire::test::random_bytes(200, 8);
    for (const Format format : {Format::raw, Format::zlib, Format::gzip})
        for (const int strategy : {Z_DEFAULT_STRATEGY, Z_FIXED}) {
            for (const int level : {0, 6}) {
                if (level == 0 && strategy == Z_FIXED) continue;
                INFO("format " << std::string(name(format)));
                CAPTURE(strategy);
                CAPTURE(level);
                const std::string z = wire::test::zlib_compress(
                    original, level, zlib_window_bits(format, 15), strategy);
                // Every way to cut the input (whole, each two-piece cut, byte by byte).
                for (const auto& plan : wire::test::all_splits(z)) {
                    Inflater inf({.format = format});
                    const auto r =
                        wire::test::inflate_pieces(inf, plan, [](std::size_t) { return 1 << 16; });
                    CAPTURE(wire::test::describe_plan(plan, z.size()));
                    REQUIRE(r.outcome == Outcome::done);
                    REQUIRE(r.out == original);
                    REQUIRE(r.consumed == z.size());
                }
                // Every first output space, then the rest; and one byte of space at a time.
                for (std::size_t first = 0; first <= original.size() + 1; ++first) {
                    Inflater inf({.format = format});
                    const auto r = wire::test::inflate_pieces(inf, {z}, [first](std::size_t call) {
                        return call == 0 ? first : 1 << 16;
                    });
                    CAPTURE(first);
                    REQUIRE(r.outcome == Outcome::done);
                    REQUIRE(r.out == original);
                }
                Inflater inf({.format = format});
                const auto r = wire::test::inflate_pieces(inf, wire::test::all_splits(z).back(),
                                                          [](std::size_t) { return 1; });
                CHECK(r.outcome == Outcome::done);
                CHECK(r.out == original);
            }
        }
}
