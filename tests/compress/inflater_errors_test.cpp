// One hand-made malformed stream per Error, each at every split of its input: the error is the
// same however the bytes arrive. The raw DEFLATE ones are also shown to zlib, which must reject
// them too.
#include <doctest/doctest.h>

#include <string>

#include "compress/checksum.hpp"
#include "compress/inflater.hpp"
#include "tests/compress/bit_writer.hpp"
#include "tests/compress/inflate_driver.hpp"
#include "tests/compress/peers.hpp"
#include "tests/support/split_feed.hpp"

namespace {

using wire::compress::Error;
using wire::compress::Format;
using wire::compress::InflateOptions;
using wire::compress::Inflater;
using wire::compress::Outcome;
using wire::test::BitWriter;

void check_error(const std::string& stream, Error want, InflateOptions options = {}) {
    for (const auto& plan : wire::test::all_splits(stream)) {
        Inflater inf(options);
        const auto r = wire::test::inflate_pieces(inf, plan, [](std::size_t) { return 4096; });
        CAPTURE(wire::test::describe_plan(plan, stream.size()));
        REQUIRE(r.outcome == Outcome::error);
        REQUIRE(r.error == want);
    }
    // zlib (with its 32 KiB window and no output limit) must reject the raw ones too.
    if (options.format == Format::raw && options.window_bits == 15 && want != Error::output_limit) {
        const auto z = wire::test::zlib_inflate_raw(stream, 1 << 16);
        CHECK(z.rc != Z_STREAM_END);
    }
}

// A dynamic block header (§3.2.7) with HLIT, HDIST and the code-length code's lengths given
// in the transmitted order.
BitWriter dynamic_header(unsigned hlit, unsigned hdist, std::initializer_list<unsigned> cl) {
    BitWriter w;
    w.bits(1, 1).bits(2, 2).bits(hlit, 5).bits(hdist, 5).bits(static_cast<unsigned>(cl.size()) - 4,
                                                              4);
    for (unsigned len : cl)
        w.bits(len, 3);
    return w;
}

}  // namespace

TEST_CASE("inflate errors: BTYPE 11 is reserved (§3.2.3)") {
    check_error(BitWriter().bits(1, 1).bits(3, 2).finish(), Error::bad_block_type);
}

TEST_CASE("inflate errors: a stored block's NLEN must be the complement of LEN (§3.2.4)") {
    check_error(BitWriter().bits(1, 1).bits(0, 2).byte(5).byte(0).byte(0).byte(0).finish(),
                Error::stored_length_mismatch);
}

TEST_CASE("inflate errors: code lengths describing too many codes (§3.2.2)") {
    // Four code-length symbols (16, 17, 18, 0) with one-bit codes: only two exist.
    check_error(dynamic_header(0, 0, {1, 1, 1, 1}).finish(), Error::oversubscribed_code);
}

TEST_CASE("inflate errors: a code-length code that leaves patterns unused (§3.2.2)") {
    // Only symbol 0 has a code: one bit pattern of two decodes to nothing.
    check_error(dynamic_header(0, 0, {0, 0, 0, 1}).bits(0, 8).finish(), Error::incomplete_code);
}

TEST_CASE("inflate errors: HLIT beyond 286 codes, and a repeat with nothing before it (§3.2.7)") {
    check_error(dynamic_header(30, 0, {0, 0, 0, 1}).finish(), Error::bad_code_lengths);
    // Code-length code: 16 and 0, one bit each. The first length is "repeat the previous".
    check_error(dynamic_header(0, 0, {1, 0, 0, 1}).code(1, 1).bits(0, 2).finish(),
                Error::bad_code_lengths);
    // A run of 138 zeros (18) starting at the 200th of 258 lengths runs past the end.
    BitWriter w = dynamic_header(0, 0, {0, 0, 1, 1});  // 18 and 0, one bit each
    for (int i = 0; i < 200; ++i)
        w.code(0, 1);
    check_error(w.code(1, 1).bits(127, 7).finish(), Error::bad_code_lengths);
}

TEST_CASE("inflate errors: no code for end-of-block (§3.2.7)") {
    // Code-length code: 18 and 1, one bit each (HCLEN reaches symbol 1, the 18th sent).
    BitWriter w = dynamic_header(0, 0, {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    // Literals 0 and 1 get length 1; then 138 + 118 zeros cover 2..256 and the one distance.
    w.code(0, 1).code(0, 1).code(1, 1).bits(127, 7).code(1, 1).bits(107, 7);
    check_error(w.finish(), Error::missing_end_of_block);
}

TEST_CASE("inflate errors: no code for end-of-block in a block after one that had it (§3.2.7)") {
    // The decoder keeps the lengths it read between blocks: what the first block gave symbol
    // 256 must not count for the second. Both use the code-length code 18 and 1, one bit each.
    BitWriter w;
    auto header = [&](unsigned final_block) {
        w.bits(final_block, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(14, 4);
        for (unsigned len : {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
            w.bits(len, 3);
    };
    // Block 1: literal 0 and end-of-block get length 1 (1..255 are 138 + 117 zeros), the one
    // distance length 1; then its data: literal 0 (code 0), end-of-block (code 1).
    header(0);
    w.code(0, 1).code(1, 1).bits(127, 7).code(1, 1).bits(106, 7).code(0, 1).code(0, 1);
    w.code(0, 1).code(1, 1);
    // Block 2: literals 0 and 1 get length 1; 138 + 118 zeros cover 2..256 and the distance.
    header(1);
    w.code(0, 1).code(0, 1).code(1, 1).bits(127, 7).code(1, 1).bits(107, 7);
    check_error(w.finish(), Error::missing_end_of_block);
}

TEST_CASE("inflate errors: symbols that stand for nothing (§3.2.6)") {
    // Fixed code: literal/length 286.
    check_error(BitWriter().bits(1, 1).bits(1, 2).fixed_symbol(286).finish(),
                Error::invalid_symbol);
    // Fixed code: 'a', then length 3 with distance symbol 30.
    check_error(
        BitWriter().bits(1, 1).bits(1, 2).fixed_symbol('a').fixed_symbol(257).code(30, 5).finish(),
        Error::invalid_symbol);
}

TEST_CASE("inflate errors: a distance before the start of the data or beyond the window") {
    // 'a', then length 3 at distance 2: one byte of history only.
    const std::string before =
        BitWriter().bits(1, 1).bits(1, 2).fixed_symbol('a').fixed_symbol(257).code(1, 5).finish();
    check_error(before, Error::distance_too_far);
    // 300 literals, then distance 257 (symbol 16, 7 extra bits = 0): there is data that far
    // back, but a window of 2^8 bytes does not reach it.
    BitWriter w;
    w.bits(1, 1).bits(1, 2);
    for (int i = 0; i < 300; ++i)
        w.fixed_symbol(static_cast<unsigned>('a' + i % 26));
    w.fixed_symbol(257).code(16, 5).bits(0, 7).fixed_symbol(256);
    const std::string far = w.finish();
    check_error(far, Error::distance_too_far, {.window_bits = 8});
    std::string out;
    CHECK(!wire::compress::inflate_all(wire::test::bytes(far), out, {.window_bits = 9}));
}

TEST_CASE("inflate errors: the input ends before the final block ends") {
    const std::string z = wire::test::zlib_compress(wire::test::text_like(2000, 1), 6, -15);
    check_error(z.substr(0, z.size() / 2), Error::truncated);
    check_error(z.substr(0, z.size() - 1), Error::truncated);
}

TEST_CASE("inflate errors: the output limit, enforced at exactly its byte") {
    const std::string data = wire::test::text_like(5000, 2);
    const std::string z = wire::test::zlib_compress(data, 6, -15);
    check_error(z, Error::output_limit, {.max_output = 4999});
    std::string out;
    CHECK(!wire::compress::inflate_all(wire::test::bytes(z), out, {.max_output = 5000}));
    CHECK(out == data);
}

TEST_CASE("inflate errors: zlib header, window, dictionary and Adler-32 (RFC 1950 §2.2)") {
    const std::string data = wire::test::text_like(3000, 3);
    std::string z = wire::test::zlib_compress(data, 6, 15);
    std::string bad = z;
    bad[1] = static_cast<char>(bad[1] ^ 1);  // FCHECK
    check_error(bad, Error::bad_zlib_header, {.format = Format::zlib});
    check_error("\x79\x9c" + z.substr(2), Error::bad_zlib_header,
                {.format = Format::zlib});  // CM 9
    check_error(z, Error::window_too_large, {.format = Format::zlib, .window_bits = 14});
    bad = z;
    bad.back() = static_cast<char>(bad.back() ^ 1);
    check_error(bad, Error::adler32_mismatch, {.format = Format::zlib});
}

TEST_CASE("inflate errors: gzip header, header CRC, CRC-32, ISIZE and field limits (RFC 1952)") {
    const std::string data = wire::test::text_like(3000, 4);
    const std::string gz = wire::test::zlib_compress(data, 6, 31);
    const InflateOptions gzip{.format = Format::gzip};
    std::string bad = gz;
    bad[1] = static_cast<char>(0x8c);
    check_error(bad, Error::bad_gzip_header, gzip);
    bad = gz;
    bad[3] = static_cast<char>(0x20);  // a reserved FLG bit
    check_error(bad, Error::bad_gzip_header, gzip);
    bad = gz;
    bad[gz.size() - 8] = static_cast<char>(bad[gz.size() - 8] ^ 1);
    check_error(bad, Error::crc32_mismatch, gzip);
    bad = gz;
    bad[gz.size() - 4] = static_cast<char>(bad[gz.size() - 4] ^ 1);
    check_error(bad, Error::length_mismatch, gzip);

    // FHCRC: the header is 10 bytes and its CRC16; damage the CRC16.
    std::string header = std::string("\x1f\x8b\x08\x02\0\0\0\0\0\x03", 10);
    const std::uint32_t crc = wire::compress::crc32(0, header);
    std::string with_crc = header + static_cast<char>(crc & 0xff) +
                           static_cast<char>((crc >> 8) & 0xff) + gz.substr(10);
    std::string out;
    CHECK(!wire::compress::inflate_all(wire::test::bytes(with_crc), out, gzip));
    with_crc[10] = static_cast<char>(with_crc[10] ^ 1);
    check_error(with_crc, Error::gzip_header_crc_mismatch, gzip);

    // FNAME longer than max_header_field.
    const std::string named = std::string("\x1f\x8b\x08\x08\0\0\0\0\0\x03", 10) + "too-long" +
                              std::string(1, '\0') + gz.substr(10);
    check_error(named, Error::header_too_large, {.format = Format::gzip, .max_header_field = 7});
    CHECK(!wire::compress::inflate_all(wire::test::bytes(named), out,
                                       {.format = Format::gzip, .max_header_field = 8}));
}
