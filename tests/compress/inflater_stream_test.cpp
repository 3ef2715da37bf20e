// The Inflater across messages and streams: permessage-deflate (RFC 7692), preset
// dictionaries, gzip members and header fields, small windows, memory and the output limit.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "compress/inflater.hpp"
#include "tests/compress/bit_writer.hpp"
#include "tests/compress/inflate_driver.hpp"
#include "tests/compress/peers.hpp"
#include "tests/support/split_feed.hpp"

namespace {

using wire::compress::Error;
using wire::compress::Format;
using wire::compress::Inflater;
using wire::compress::Outcome;
using wire::test::bytes;

const std::string tail("\x00\x00\xff\xff", 4);

// A permessage-deflate sender (RFC 7692 §7.2.1): raw DEFLATE, each message ended by a sync
// flush whose trailing 00 00 ff ff is removed. With `takeover` the history carries on.
class PmdSender {
  public:
    PmdSender(int window_bits, bool takeover) : takeover_(takeover) {
        deflateInit2(&z_, 6, Z_DEFLATED, -window_bits, 8, Z_DEFAULT_STRATEGY);
    }
    ~PmdSender() { deflateEnd(&z_); }
    std::string send(const std::string& message) {
        if (!takeover_) deflateReset(&z_);
        std::string out(message.size() + 64, '\0');
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
        z_.avail_in = static_cast<uInt>(message.size());
        z_.next_out = reinterpret_cast<Bytef*>(out.data());
        z_.avail_out = static_cast<uInt>(out.size());
        deflate(&z_, Z_SYNC_FLUSH);
        out.resize(out.size() - z_.avail_out);
        REQUIRE(out.substr(out.size() - 4) == tail);
        out.resize(out.size() - 4);
        return out;
    }

  private:
    z_stream z_{};
    bool takeover_;
};

// The receiver side (RFC 7692 §7.2.2): append 00 00 ff ff and inflate; the message is complete
// when all input is consumed and the output was not filled.
std::string receive(Inflater& inf, const std::string& payload, std::size_t space = 1 << 16) {
    const std::string in = payload + tail;
    const auto r = wire::test::inflate_pieces(
        inf, {in}, [space](std::size_t) { return space; }, /*last_input=*/false);
    CHECK(r.outcome == Outcome::need_more);
    CHECK(r.consumed == in.size());
    return r.out;
}

std::vector<std::string> chat_messages() {
    std::vector<std::string> m;
    for (int i = 0; i < 40; ++i)
        m.push_back(
            "{\"type\":\"chat\",\"user\":\"user" + std::to_string(i % 5) + "\",\"text\":\"" +
            wire::test::text_like(static_cast<std::size_t>(20 + i * 37), static_cast<unsigned>(i)) +
            "\"}");
    return m;
}

}  // namespace

TEST_CASE("permessage-deflate: messages inflate without the stream ending, at every window") {
    for (int bits = 9; bits <= 15; ++bits)
        for (const bool takeover : {true, false}) {
            CAPTURE(bits);
            CAPTURE(takeover);
            PmdSender sender(bits, takeover);
            Inflater inf({.format = Format::raw, .window_bits = bits});
            for (const auto& m : chat_messages()) {
                const std::string payload = sender.send(m);
                if (!takeover) inf.reset();  // RFC 7692 §7.1.1.1: no context takeover
                CHECK(receive(inf, payload) == m);
            }
        }
}

TEST_CASE("permessage-deflate: a limit per message on a stream that never ends") {
    PmdSender sender(15, true);
    Inflater inf;
    const auto messages = chat_messages();
    std::vector<std::uint8_t> space(1 << 16);
    for (std::size_t i = 0; i < 10; ++i) {
        const std::string in = sender.send(messages[i]) + tail;
        // Exactly the message's size passes; one byte less is output_limit.
        inf.set_max_output(inf.total_out() + messages[i].size());
        const auto r = inf.inflate(bytes(in), space);
        CHECK(r.need_more());
        CHECK(r.produced == messages[i].size());
    }
    const std::string in = sender.send(messages[10]) + tail;
    inf.set_max_output(inf.total_out() + messages[10].size() - 1);
    const auto r = inf.inflate(bytes(in), space);
    CHECK(r.failed());
    CHECK(r.error == Error::output_limit);
}

TEST_CASE("permessage-deflate: every split of a message and of its output space") {
    PmdSender sender(15, true);
    Inflater reference;
    const auto messages = chat_messages();
    // Two messages first, so the third refers back into the history of the others.
    std::string history_payloads[2] = {sender.send(messages[10]), sender.send(messages[11])};
    const std::string third = sender.send(messages[12]) + tail;
    for (const auto& plan : wire::test::all_splits(third)) {
        for (const std::size_t space : {std::size_t{1}, std::size_t{7}, std::size_t{1} << 16}) {
            Inflater inf;
            receive(inf, history_payloads[0]);
            receive(inf, history_payloads[1]);
            const auto r = wire::test::inflate_pieces(
                inf, plan, [space](std::size_t) { return space; }, false);
            REQUIRE(r.outcome == Outcome::need_more);
            REQUIRE(r.out == messages[12]);
        }
    }
}

TEST_CASE("a 256-byte window (RFC 7692 allows 2^8, zlib cannot make it): made by hand") {
    // 300 literals, then length 258 at distance 256 (symbol 15: 193 + 6 extra bits = 63), then
    // length 3 at distance 1, end of block: every reach is within 2^8 bytes.
    wire::test::BitWriter w;
    w.bits(1, 1).bits(1, 2);
    std::string want;
    for (int i = 0; i < 300; ++i) {
        const char c = static_cast<char>('a' + (i * 7) % 26);
        w.fixed_symbol(static_cast<unsigned char>(c));
        want += c;
    }
    w.fixed_symbol(285).code(15, 5).bits(63, 6);
    for (int i = 0; i < 258; ++i)
        want += want[want.size() - 256];
    w.fixed_symbol(257).code(0, 5);
    want += std::string(3, want.back());
    w.fixed_symbol(256);
    const std::string stream = w.finish();
    // With one byte of output space per call, every back-reference comes from the history.
    for (const std::size_t space :
         {std::size_t{1}, std::size_t{255}, std::size_t{256}, std::size_t{4096}}) {
        Inflater inf({.window_bits = 8});
        const auto r =
            wire::test::inflate_pieces(inf, {stream}, [space](std::size_t) { return space; });
        CHECK(r.outcome == Outcome::done);
        CHECK(r.out == want);
        CHECK(inf.memory_in_use() < 12 * 1024);
    }
}

TEST_CASE("preset dictionaries: zlib FDICT, given before, after dictionary_required, or wrong") {
    const std::string dictionary = "{\"type\":\"chat\",\"user\":\"" + wire::test::text_like(500, 9);
    const std::string data = wire::test::text_like(2000, 9);
    z_stream z{};
    deflateInit(&z, 6);
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()),
                         static_cast<uInt>(dictionary.size()));
    std::string zs(4096, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(zs.data());
    z.avail_out = static_cast<uInt>(zs.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    zs.resize(z.total_out);
    deflateEnd(&z);

    std::vector<std::uint8_t> out(8192);
    {
        Inflater inf({.format = Format::zlib});
        inf.set_dictionary(bytes(dictionary));
        const auto r = inf.inflate(bytes(zs), out, true);
        CHECK(r.done());
        CHECK(std::string(out.begin(), out.begin() + static_cast<long>(r.produced)) == data);
    }
    {
        Inflater inf({.format = Format::zlib});
        auto r = inf.inflate(bytes(zs), out, true);
        REQUIRE(r.failed());
        CHECK(r.error == Error::dictionary_required);
        CHECK(r.consumed == 6);  // the header and DICTID
        inf.set_dictionary(bytes(dictionary));
        r = inf.inflate(bytes(zs).subspan(6), out, true);
        CHECK(r.done());
        CHECK(std::string(out.begin(), out.begin() + static_cast<long>(r.produced)) == data);
    }
    {
        Inflater inf({.format = Format::zlib});
        inf.set_dictionary(bytes(dictionary.substr(1)));
        const auto r = inf.inflate(bytes(zs), out, true);
        CHECK(r.error == Error::dictionary_mismatch);
    }
}

TEST_CASE("preset dictionaries: a raw stream starts from the history given") {
    const std::string dictionary = wire::test::text_like(3000, 10);
    const std::string data = wire::test::text_like(3000, 10).substr(100) + "tail";
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(dictionary.data()),
                         static_cast<uInt>(dictionary.size()));
    std::string zs(8192, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(zs.data());
    z.avail_out = static_cast<uInt>(zs.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    zs.resize(z.total_out);
    deflateEnd(&z);
    for (const std::size_t space : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 16}) {
        Inflater inf;
        inf.set_dictionary(bytes(dictionary));
        const auto r =
            wire::test::inflate_pieces(inf, {zs}, [space](std::size_t) { return space; });
        CHECK(r.outcome == Outcome::done);
        CHECK(r.out == data);
    }
    Inflater without;
    CHECK(wire::test::inflate_whole(without, zs).error == Error::distance_too_far);
}

TEST_CASE("reset_keep_history: a new raw stream may refer into the previous one") {
    const std::string first = wire::test::text_like(5000, 11);
    const std::string second = first.substr(1000, 2000);
    const std::string z1 = wire::test::zlib_compress(first, 6, -15);
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(first.data()),
                         static_cast<uInt>(first.size()));
    std::string z2(4096, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(second.data()));
    z.avail_in = static_cast<uInt>(second.size());
    z.next_out = reinterpret_cast<Bytef*>(z2.data());
    z.avail_out = static_cast<uInt>(z2.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    z2.resize(z.total_out);
    deflateEnd(&z);

    Inflater inf;
    // As a permessage-deflate receiver does: more input may follow, so last_input stays false.
    const auto one = wire::test::inflate_pieces(
        inf, {z1}, [](std::size_t) { return 1 << 16; }, /*last_input=*/false);
    CHECK(one.outcome == Outcome::done);
    CHECK(one.out == first);
    inf.reset_keep_history();
    const auto r = wire::test::inflate_whole(inf, z2);
    CHECK(r.outcome == Outcome::done);
    CHECK(r.out == second);
    inf.reset();
    CHECK(wire::test::inflate_whole(inf, z2).error == Error::distance_too_far);
}

TEST_CASE("gzip: header fields, FHCRC, and members one after another") {
    const std::string data = wire::test::text_like(4000, 12);
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string name = "notes.txt", comment = "made by zlib", extra = "AB\x04\0wire";
    gz_header h{};
    h.time = 1700000000;
    h.os = 3;
    h.name = reinterpret_cast<Bytef*>(name.data());
    h.comment = reinterpret_cast<Bytef*>(comment.data());
    h.extra = reinterpret_cast<Bytef*>(extra.data());
    h.extra_len = static_cast<uInt>(extra.size());
    h.hcrc = 1;
    h.text = 1;
    deflateSetHeader(&z, &h);
    std::string gz(8192, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(gz.data());
    z.avail_out = static_cast<uInt>(gz.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    gz.resize(z.total_out);
    deflateEnd(&z);

    const std::string header_part = gz.substr(0, 60);  // the header and a little data
    for (const auto& plan : wire::test::all_splits(header_part)) {
        std::vector<std::string_view> pieces(plan.begin(), plan.end());
        pieces.push_back(std::string_view(gz).substr(60));
        Inflater inf({.format = Format::gzip});
        const auto r = wire::test::inflate_pieces(inf, pieces, [](std::size_t) { return 1 << 16; });
        CAPTURE(wire::test::describe_plan(plan, 60));
        REQUIRE(r.outcome == Outcome::done);
        REQUIRE(r.out == data);
        const auto& header = inf.gzip_header();
        CHECK(header.name == name);
        CHECK(header.comment == comment);
        CHECK(header.extra == extra);
        CHECK(header.mtime == 1700000000u);
        CHECK(header.os == 3);
        CHECK(header.text);
    }

    // Two members: gzip -d gives both; with multi_member off, the first ends the stream.
    const std::string second = wire::test::text_like(1000, 13);
    const std::string both = gz + wire::test::run_filter("gzip -c -n", second);
    std::string out;
    CHECK(!wire::compress::inflate_all(bytes(both), out, {.format = Format::gzip}));
    CHECK(out == data + second);
    Inflater one({.format = Format::gzip, .multi_member = false});
    const auto r = wire::test::inflate_whole(one, both);
    CHECK(r.outcome == Outcome::done);
    CHECK(r.consumed == gz.size());
    CHECK(r.out == data);
    // Without last_input the inflater cannot know whether a member follows.
    Inflater waiting({.format = Format::gzip});
    std::vector<std::uint8_t> space(1 << 16);
    const auto step = waiting.inflate(bytes(gz), space, false);
    CHECK(step.need_more());
    CHECK(step.consumed == gz.size());
    CHECK(waiting.inflate({}, space, true).done());
}

TEST_CASE("memory: nothing before the first call, the window only when a stream spans calls") {
    const std::string data = wire::test::text_like(50000, 14);
    const std::string z = wire::test::zlib_compress(data, 6, 15);
    Inflater inf({.format = Format::zlib});
    CHECK(inf.memory_in_use() == 0);
    std::vector<std::uint8_t> out(data.size());
    CHECK(inf.inflate(bytes(z), out, true).done());
    const std::size_t tables = inf.memory_in_use();
    MESSAGE("Inflater state (tables, no window): " << tables << " bytes");
    CHECK(tables > 0);
    CHECK(tables < 16 * 1024);
    inf.reset();
    std::vector<std::uint8_t> small(1000);
    CHECK(inf.inflate(bytes(z), small, true).need_more());
    CHECK(inf.memory_in_use() == tables + 32768);
    inf.release_memory();
    CHECK(inf.memory_in_use() == 0);
    const auto r = wire::test::inflate_whole(inf, z);  // a new stream after release_memory()
    CHECK(r.out == data);
}

TEST_CASE("the output limit stops a thousandfold bomb with bounded memory") {
    const std::string zeros(10 << 20, '\0');
    const std::string bomb = wire::test::zlib_compress(zeros, 9, 31);
    CHECK(bomb.size() * 1000 < zeros.size());
    Inflater inf({.format = Format::gzip, .max_output = 1 << 20});
    std::vector<std::uint8_t> space(64 * 1024);
    std::size_t consumed = 0, produced = 0;
    wire::compress::StepResult r;
    do {
        r = inf.inflate(bytes(bomb).subspan(consumed), space, true);
        consumed += r.consumed;
        produced += r.produced;
    } while (r.need_more());
    CHECK(r.failed());
    CHECK(r.error == Error::output_limit);
    CHECK(produced == std::size_t{1} << 20);
    CHECK(inf.total_out() == std::size_t{1} << 20);
    CHECK(inf.memory_in_use() < 48 * 1024);
    std::string out;
    CHECK(wire::compress::inflate_all(bytes(bomb), out,
                                      {.format = Format::gzip, .max_output = 1 << 20}) ==
          Error::output_limit);
    CHECK(out.size() == std::size_t{1} << 20);
}
