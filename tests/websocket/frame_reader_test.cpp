#include "websocket/frame_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/guard_page.hpp"
#include "tests/support/split_feed.hpp"
#include "websocket/frame_writer.hpp"

using namespace wire::websocket;

namespace {

const MaskKey kKey{0x37, 0xfa, 0x21, 0x3d};

// One frame as a peer of the other role would send it: a client masks, a server does not.
std::string frame(Opcode op, bool fin, std::string_view payload, bool masked,
                  std::uint8_t rsv = 0) {
    FrameHeader h = make_header(op, fin, masked ? Role::client : Role::server, kKey, rsv);
    std::string out(frame_size(payload.size(), masked), '\0');
    auto r =
        encode_frame(h, {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()},
                     {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
    REQUIRE_FALSE(r.error);
    REQUIRE(r.written == out.size());
    return out;
}

struct Transcript {
    std::vector<std::string> messages;  // "text:Hello", "ping:x", "close:1000:bye"
    std::error_code error;
    std::size_t events = 0;
};

const char* name_of(Opcode op) {
    switch (op) {
        case Opcode::text:
            return "text";
        case Opcode::binary:
            return "binary";
        case Opcode::close:
            return "close";
        case Opcode::ping:
            return "ping";
        case Opcode::pong:
            return "pong";
        default:
            return "continuation";
    }
}

// A caller as the contract describes: it keeps unconsumed bytes in front of the next read.
Transcript run(const std::vector<std::string_view>& plan, const ReaderOptions& options) {
    FrameReader reader(options);
    Transcript t;
    std::string pending, current;
    for (auto piece : plan) {
        pending.append(piece);
        for (;;) {
            std::span<std::uint8_t> buf{reinterpret_cast<std::uint8_t*>(pending.data()),
                                        pending.size()};
            auto [consumed, ev] = reader.consume(buf);
            REQUIRE(consumed <= pending.size());
            ++t.events;
            std::string bytes(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
            pending.erase(0, consumed);
            if (ev.type == EventType::error) {
                t.error = ev.error;
                return t;
            }
            if (ev.type == EventType::need_more) {
                // The hint must ask for more than is already there, or the caller would spin.
                CHECK(ev.need > pending.size());
                break;
            }
            if (ev.type == EventType::control) {
                std::string line = std::string(name_of(ev.opcode)) + ":";
                if (ev.opcode == Opcode::close) {
                    line += std::to_string(ev.close.code) + ":" + std::string(ev.close.reason);
                } else {
                    line += bytes;
                }
                t.messages.push_back(line);
                continue;
            }
            if (ev.message_begin) current.clear();
            current += bytes;
            if (ev.message_end)
                t.messages.push_back(std::string(name_of(ev.opcode)) + ":" + current);
        }
    }
    return t;
}

// Runs `input` at every split (or whole / a few cuts / byte by byte when it is large) in both
// message and streaming mode; every run must agree. Returns the first run's transcript.
Transcript run_everywhere(const std::string& input, ReaderOptions options) {
    std::vector<std::vector<std::string_view>> plans;
    if (input.size() <= 4096) {
        plans = wire::test::all_splits(input);
    } else {
        std::string_view v = input;
        plans.push_back({v});
        for (std::size_t cut : {1u, 2u, 3u, 4u, 5u, 8u, 10u, 13u, 14u, 15u, 4096u}) {
            plans.push_back({v.substr(0, cut), v.substr(cut)});
        }
        plans.push_back({v.substr(0, input.size() - 1), v.substr(input.size() - 1)});
        std::vector<std::string_view> chunks;
        for (std::size_t at = 0; at < input.size(); at += 1000)
            chunks.push_back(v.substr(at, 1000));
        plans.push_back(chunks);
    }
    Transcript first;
    bool have = false;
    for (bool streaming : {false, true}) {
        options.streaming = streaming;
        for (const auto& plan : plans) {
            Transcript t = run(plan, options);
            CAPTURE(streaming);
            CAPTURE(plan.size());
            if (!have) {
                first = t;
                have = true;
                continue;
            }
            CHECK(t.messages == first.messages);
            CHECK(t.error == first.error);
        }
    }
    return first;
}

const ReaderOptions kServer{Role::server, {}, false, 0};
const ReaderOptions kClient{Role::client, {}, false, 0};

using Msgs = std::vector<std::string>;

}  // namespace

TEST_CASE("RFC 6455 §5.7 examples, as one stream, at every split and in both modes") {
    SUBCASE("client reads unmasked frames") {
        const std::string in = std::string("\x81\x05Hello", 7) +
                               std::string("\x01\x03Hel\x80\x02lo", 9) +
                               std::string("\x89\x05Hello", 7);
        auto t = run_everywhere(in, kClient);
        CHECK_FALSE(t.error);
        CHECK(t.messages == Msgs{"text:Hello", "text:Hello", "ping:Hello"});
    }
    SUBCASE("server reads masked frames") {
        const std::string in = std::string("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11) +
                               std::string("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
        auto t = run_everywhere(in, kServer);
        CHECK_FALSE(t.error);
        CHECK(t.messages == Msgs{"text:Hello", "pong:Hello"});
    }
}

TEST_CASE("payload length boundaries 0/125/126/127/65535/65536") {
    for (std::size_t len : {0u, 125u, 126u, 127u, 65535u, 65536u}) {
        CAPTURE(len);
        std::string payload(len, '\0');
        for (std::size_t i = 0; i < len; ++i)
            payload[i] = static_cast<char>('a' + i % 26);
        const std::string in = frame(Opcode::binary, true, payload, true);
        auto t = run_everywhere(in, kServer);
        CHECK_FALSE(t.error);
        REQUIRE(t.messages.size() == 1);
        CHECK(t.messages[0] == "binary:" + payload);
    }
}

TEST_CASE("control frames between fragments, and UTF-8 split across fragments") {
    const std::string in =
        frame(Opcode::text, false, "\xE2\x82", true) + frame(Opcode::ping, true, "x", true) +
        frame(Opcode::continuation, false, "", true) + frame(Opcode::pong, true, "", true) +
        frame(Opcode::continuation, true, "\xAC!", true) +
        frame(Opcode::close, true,
              "\x03\xE8"
              "bye",
              true);
    auto t = run_everywhere(in, kServer);
    CHECK_FALSE(t.error);
    CHECK(t.messages == Msgs{"ping:x", "pong:", "text:\xE2\x82\xAC!", "close:1000:bye"});
}

TEST_CASE("empty messages and an empty close") {
    const std::string in = frame(Opcode::text, true, "", false) +
                           frame(Opcode::binary, true, "", false) +
                           frame(Opcode::close, true, "", false);
    auto t = run_everywhere(in, kClient);
    CHECK_FALSE(t.error);
    CHECK(t.messages == Msgs{"text:", "binary:", "close:1005:"});
}

TEST_CASE("every message-level rejection, at every split and in both modes") {
    struct Case {
        const char* name;
        std::string bytes;
        Error error;
    };
    const std::vector<Case> cases = {
        {"continuation with no message", frame(Opcode::continuation, true, "x", true),
         Error::unexpected_continuation},
        {"text inside a fragmented message",
         frame(Opcode::text, false, "a", true) + frame(Opcode::text, true, "b", true),
         Error::data_frame_inside_message},
        {"binary inside a fragmented message",
         frame(Opcode::binary, false, "a", true) + frame(Opcode::binary, true, "b", true),
         Error::data_frame_inside_message},
        {"invalid UTF-8 in a later fragment",
         frame(Opcode::text, false, "\xE2\x82", true) +
             frame(Opcode::continuation, true, "(", true),
         Error::invalid_utf8},
        {"truncated UTF-8 at the end of a message", frame(Opcode::text, true, "ok\xE2\x82", true),
         Error::invalid_utf8},
        {"surrogate in text", frame(Opcode::text, true, "\xED\xA0\x80", true), Error::invalid_utf8},
        {"close with one byte", frame(Opcode::close, true, "\x03", true), Error::bad_close_payload},
        {"close with code 1005", frame(Opcode::close, true, "\x03\xED", true),
         Error::bad_close_code},
        {"close with code 999", frame(Opcode::close, true, "\x03\xE7", true),
         Error::bad_close_code},
        {"close with invalid UTF-8 reason", frame(Opcode::close, true, "\x03\xE8\xC0\xAF", true),
         Error::invalid_utf8},
        {"unmasked frame to a server", frame(Opcode::text, true, "hi", false),
         Error::unmasked_client_frame},
        {"RSV1 with nothing negotiated", frame(Opcode::text, true, "hi", true, rsv1),
         Error::reserved_bits_set},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto t = run_everywhere(c.bytes, kServer);
        CHECK(t.error == make_error_code(c.error));
    }
}

TEST_CASE("message mode fails fast on the text of a frame not yet whole (RFC 6455 §8.1)") {
    // The frame announces 40 more bytes that never come; its invalid text has arrived.
    const std::string pad(40, 'a');
    const std::string cases[] = {
        frame(Opcode::text, true, "\xce\xba\xed\xa0\x80" + pad, true),
        frame(Opcode::text, false, "\xf4\x90\x80\x80" + pad, true),
        frame(Opcode::text, false, "\xce\xba\xe1", true) +
            frame(Opcode::continuation, true, "\xc0\x80" + pad, true),
    };
    for (const std::string& whole : cases) {
        const std::string sent = whole.substr(0, whole.size() - pad.size());
        for (const auto& plan : wire::test::all_splits(sent)) {
            const std::string how = wire::test::describe_plan(plan, sent.size());
            CAPTURE(how);
            const Transcript t = run(plan, kServer);
            CHECK(t.error == make_error_code(Error::invalid_utf8));
        }
    }
    // Binary is never looked at: the same bytes wait for the rest of the frame.
    const std::string binary = frame(Opcode::binary, true, "\xed\xa0\x80" + pad, true);
    const Transcript t = run({std::string_view(binary).substr(0, binary.size() - 10)}, kServer);
    CHECK_FALSE(t.error);
    CHECK(t.messages.empty());
}

TEST_CASE("message mode: text checked ahead is unmasked once, whatever the cuts") {
    // Bytes unmasked by the early check stay unmasked in the caller's buffer; the frame, once
    // whole, must read the same as when it arrived in one piece.
    std::string text;
    for (int i = 0; i < 30; ++i)
        text += "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 ";
    const std::string in = frame(Opcode::text, false, text.substr(0, 100), true) +
                           frame(Opcode::continuation, true, text.substr(100), true);
    for (const auto& plan : wire::test::all_splits(in)) {
        const Transcript t = run(plan, kServer);
        CHECK_FALSE(t.error);
        REQUIRE(t.messages.size() == 1);
        CHECK(t.messages[0] == "text:" + text);
    }
}

TEST_CASE("read limit: 1009 for a frame or a fragmented message over it") {
    ReaderOptions opts = kServer;
    opts.limits.max_message_size = 10;
    auto t = run_everywhere(frame(Opcode::binary, true, std::string(10, 'x'), true), opts);
    CHECK_FALSE(t.error);
    t = run_everywhere(frame(Opcode::binary, true, std::string(11, 'x'), true), opts);
    CHECK(t.error == make_error_code(Error::message_too_big));
    t = run_everywhere(frame(Opcode::text, false, "123456", true) +
                           frame(Opcode::continuation, true, "123456", true),
                       opts);
    CHECK(t.error == make_error_code(Error::message_too_big));
    CHECK(close_code_for(Error::message_too_big) == 1009);
}

TEST_CASE("the read limit is checked from the header alone, before the payload arrives") {
    FrameReader reader(kServer);
    // A 64-bit length of 1 GiB, header only: refused at once, nothing buffered.
    std::string head("\x82\xFF\0\0\0\0\x40\0\0\0\1\2\3\4", 14);
    auto r = reader.consume({reinterpret_cast<std::uint8_t*>(head.data()), head.size()});
    CHECK(r.event.type == EventType::error);
    CHECK(r.event.error == make_error_code(Error::message_too_big));
}

TEST_CASE("streaming mode fails at the first invalid UTF-8 byte, before the frame is complete") {
    ReaderOptions opts = kServer;
    opts.streaming = true;
    FrameReader reader(opts);
    std::string in = frame(Opcode::text, true, "abc\xFF" + std::string(1000, 'x'), true);
    auto r = reader.consume(
        {reinterpret_cast<std::uint8_t*>(in.data()), 12});  // 8-byte header + 4 bytes
    CHECK(r.event.type == EventType::error);
    CHECK(r.event.error == make_error_code(Error::invalid_utf8));
}

TEST_CASE("errors are sticky") {
    FrameReader reader(kServer);
    std::string bad("\x83\x80", 2);
    auto r = reader.consume({reinterpret_cast<std::uint8_t*>(bad.data()), bad.size()});
    CHECK(r.event.error == make_error_code(Error::reserved_opcode));
    std::string good = frame(Opcode::text, true, "hi", true);
    r = reader.consume({reinterpret_cast<std::uint8_t*>(good.data()), good.size()});
    CHECK(r.consumed == 0);
    CHECK(r.event.type == EventType::error);
    CHECK(reader.error() == make_error_code(Error::reserved_opcode));
    reader.reset();
    r = reader.consume({reinterpret_cast<std::uint8_t*>(good.data()), good.size()});
    CHECK(r.event.type == EventType::data);
}

TEST_CASE(
    "message mode: a whole frame in the buffer is one zero-copy view; need names the frame size") {
    FrameReader reader(kClient);
    std::string in = frame(Opcode::binary, true, std::string(300, 'z'), false);
    auto* base = reinterpret_cast<std::uint8_t*>(in.data());
    auto r = reader.consume({base, 100});
    CHECK(r.consumed == 0);
    CHECK(r.event.type == EventType::need_more);
    CHECK(r.event.need == 304);
    r = reader.consume({base, in.size()});
    CHECK(r.consumed == 304);
    CHECK(r.event.type == EventType::data);
    CHECK(r.event.message_begin);
    CHECK(r.event.message_end);
    CHECK(r.event.payload.data() == base + 4);
    CHECK(r.event.payload.size() == 300);
}

TEST_CASE("a negotiated RSV1 is reported and leaves text validation to the extension") {
    ReaderOptions opts = kServer;
    opts.allowed_rsv = rsv1;
    auto t = run_everywhere(frame(Opcode::text, true, "\xFF\xFF", true, rsv1), opts);
    CHECK_FALSE(t.error);
    FrameReader reader(opts);
    std::string in = frame(Opcode::text, true, "\xFF", true, rsv1);
    auto r = reader.consume({reinterpret_cast<std::uint8_t*>(in.data()), in.size()});
    CHECK(r.event.rsv == rsv1);
}

TEST_CASE("a client rejects masked frames") {
    auto t = run_everywhere(frame(Opcode::text, true, "hi", true), kClient);
    CHECK(t.error == make_error_code(Error::masked_server_frame));
}

TEST_CASE("the reader never reads past its input (guard page), at every prefix of a stream") {
    const std::string stream = frame(Opcode::text, false, "Hel", true) +
                               frame(Opcode::ping, true, "p", true) +
                               frame(Opcode::continuation, true, "lo", true) +
                               frame(Opcode::binary, true, std::string(300, 'b'), true);
    for (bool streaming : {false, true}) {
        for (std::size_t len = 0; len <= stream.size(); ++len) {
            wire::test::GuardedBuffer buf(std::string_view(stream).substr(0, len));
            ReaderOptions opts = kServer;
            opts.streaming = streaming;
            FrameReader reader(opts);
            std::span<std::uint8_t> rest = buf.bytes();
            for (int guard = 0; guard < 100; ++guard) {
                auto [consumed, ev] = reader.consume(rest);
                rest = rest.subspan(consumed);
                REQUIRE(ev.type != EventType::error);
                if (ev.type == EventType::need_more) break;
            }
        }
    }
}
