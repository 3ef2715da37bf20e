// WindowHistory: what a connection with context takeover keeps, and a message stream carried
// across the loop's shared codecs by it (RFC 7692 §7.2.3.2).
#include "websocket/detail/window_history.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "websocket/message_deflater.hpp"
#include "websocket/message_inflater.hpp"

using wire::websocket::MessageDeflater;
using wire::websocket::MessageInflater;
using wire::websocket::detail::WindowHistory;

namespace {

std::span<const std::uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::string text(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace

TEST_CASE("WindowHistory keeps the last 2^bits bytes, and nothing before the first") {
    WindowHistory h;
    CHECK(h.empty());
    CHECK(h.memory_in_use() == 0);
    h.append(bytes("abc"), 8);
    CHECK(text(h.bytes()) == "abc");
    CHECK(h.memory_in_use() == 256);
    const std::string a(200, 'x'), b(100, 'y');
    h.append(bytes(a), 8);
    CHECK(h.bytes().size() == 203);
    h.append(bytes(b), 8);  // 303 bytes went in: the oldest 47 go
    REQUIRE(h.bytes().size() == 256);
    CHECK(text(h.bytes()) == std::string(156, 'x') + b);
    const std::string big = std::string(300, 'p') + std::string(256, 'q');
    h.append(bytes(big), 8);  // longer than the window: only its end
    CHECK(text(h.bytes()) == std::string(256, 'q'));
    CHECK(h.memory_in_use() == 256);
}

TEST_CASE("shared codecs carry a stream with context takeover through the connection's history") {
    // One deflater and one inflater, as the loop's (no takeover of their own), serve two
    // interleaved streams; each stream's past lives in its WindowHistory only.
    for (const int bits : {8, 12, 15}) {
        CAPTURE(bits);
        MessageDeflater d(bits, true, 6);
        MessageInflater inf(bits, true, 1 << 20);
        WindowHistory sent[2], received[2];
        std::size_t second_size[2] = {};
        for (int round = 0; round < 3; ++round) {
            for (int s = 0; s < 2; ++s) {
                const std::string msg = "stream " + std::to_string(s) +
                                        " says the same long sentence again and again, " +
                                        std::string(40, static_cast<char>('a' + s));
                std::vector<std::uint8_t> wire(MessageDeflater::bound(msg.size()));
                d.set_history(sent[s].bytes());
                const auto r = d.deflate(bytes(msg), wire, true);
                REQUIRE(r.done);
                sent[s].append(bytes(msg), bits);
                if (round == 1) second_size[s] = r.produced;
                if (round == 2) CHECK(r.produced <= second_size[s]);  // it refers back
                if (round > 0) CHECK(r.produced < msg.size() / 4);

                std::vector<std::uint8_t> out(msg.size() + 16);
                inf.begin_message(true);
                inf.set_history(received[s].bytes());
                const auto i = inf.inflate({wire.data(), r.produced}, out, true);
                REQUIRE_FALSE(i.error);
                REQUIRE(inf.message_done());
                CHECK(text({out.data(), i.produced}) == msg);
                received[s].append({out.data(), i.produced}, bits);
            }
        }
    }
}

// take_from(): the history copied out of the codecs that ran a message, as the blocking Conn
// keeps it between messages; both directions end up with the same last 2^bits bytes.
TEST_CASE("WindowHistory::take_from copies the last 2^bits bytes a codec ran through") {
    std::string message;
    for (int i = 0; message.size() < 3000; ++i)
        message += "item " + std::to_string(i * 7919 % 1000) + ", ";
    for (const int bits : {8, 9, 11}) {
        CAPTURE(bits);
        const std::size_t window = std::size_t{1} << bits;
        MessageDeflater d(bits, false, 6);
        std::vector<std::uint8_t> payload(MessageDeflater::bound(message.size()));
        d.set_history({});
        const auto r = d.deflate(bytes(message), payload, true);
        REQUIRE(r.done);
        MessageInflater inf(bits, false, 1 << 20);
        inf.begin_message(false);
        inf.set_history({});
        std::vector<std::uint8_t> out(message.size() + 16);
        const auto s = inf.inflate({payload.data(), r.produced}, out, true);
        REQUIRE_FALSE(s.error);
        REQUIRE(inf.message_done());
        const std::string last = message.substr(message.size() - window);
        WindowHistory sent, received;
        sent.take_from(d, bits);
        received.take_from(inf, bits);
        CHECK(text(sent.bytes()) == last);
        CHECK(text(received.bytes()) == last);
        CHECK(sent.memory_in_use() == window);
        // A short buffer gets the most recent bytes.
        std::uint8_t few[10];
        REQUIRE(d.copy_history(few) == 10);
        CHECK(text(few) == message.substr(message.size() - 10));
        REQUIRE(inf.copy_history(few) == 10);
        CHECK(text(few) == message.substr(message.size() - 10));
    }
}
