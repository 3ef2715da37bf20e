// Text that must fail fast (RFC 6455 §8.1, Autobahn cases 6.4.x) and text that must pass, as
// data shared by the blocking Conn's and the event-driven LoopConn's conformance tests. Each case
// is a few frames cut into TCP writes; what follows the last write is never sent, so a receiver
// that waits for the message (or the frame) to end before checking its text never answers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wire::websocket::test {

// "κόσμε", the greeting of Markus Kuhn's UTF-8 test file, then something after it.
inline const std::string kKosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

struct FrameSpec {
    std::uint8_t opcode = 1;  // 1 text, 0 continuation
    bool fin = true;
    std::string payload;
};

// A write ends after payload byte `upto` of frame `frame` (whole: that frame's last byte).
struct WriteEnd {
    static constexpr std::size_t whole = ~std::size_t{0};
    std::size_t frame = 0;
    std::size_t upto = whole;
};

struct Utf8Case {
    const char* name;
    std::vector<FrameSpec> frames;
    std::vector<WriteEnd> writes;  // a pause before each write after the first
    std::string echo;              // valid cases: the message the echo sends back
};

// The bytes of each write, given the test's frame builder (masked or not, its own key).
inline std::vector<std::string> cut_writes(
    const Utf8Case& c, const std::function<std::string(const FrameSpec&)>& build) {
    std::string stream;
    std::vector<std::size_t> payload_at, frame_end;
    for (const FrameSpec& f : c.frames) {
        const std::string bytes = build(f);
        payload_at.push_back(stream.size() + bytes.size() - f.payload.size());
        stream += bytes;
        frame_end.push_back(stream.size());
    }
    std::vector<std::string> out;
    std::size_t from = 0;
    for (const WriteEnd& w : c.writes) {
        const std::size_t to =
            w.upto == WriteEnd::whole ? frame_end[w.frame] : payload_at[w.frame] + w.upto;
        out.push_back(stream.substr(from, to - from));
        from = to;
    }
    return out;
}

// Each must be answered with close 1007 although the message (and in some the frame) never ends.
inline std::vector<Utf8Case> fail_fast_cases() {
    const std::size_t k = kKosme.size();
    const std::string pad(40, 'a');
    return {
        {"a surrogate (ED A0 80) in a first fragment",
         {{1, false, kKosme + "\xed\xa0\x80"}},
         {{0}},
         {}},
        {"above U+10FFFF (F4 90 80 80) in a first fragment",
         {{1, false, "\xf4\x90\x80\x80"}},
         {{0}},
         {}},
        {"an overlong NUL (C0 80) in a first fragment", {{1, false, "\xc0\x80"}}, {{0}}, {}},
        {"a surrogate split across two fragments",
         {{1, false, kKosme + "\xed"}, {0, false, "\xa0\x80"}},
         {{1}},
         {}},
        {"a surrogate split across two fragments, a pause between them",
         {{1, false, kKosme + "\xed"}, {0, false, "\xa0\x80"}},
         {{0}, {1}},
         {}},
        {"a frame cut in two TCP writes, the bad bytes in the second, its end never sent",
         {{1, true, kKosme + "\xed\xa0\x80" + pad}},
         {{0, 4}, {0, k + 3}},
         {}},
        {"F4 90 80 80 cut between two TCP writes inside one frame",
         {{1, true, kKosme + "\xf4\x90\x80\x80" + pad}},
         {{0, k + 1}, {0, k + 4}},
         {}},
        {"C0 80 in a continuation frame whose end is never sent",
         {{1, false, kKosme}, {0, false, "ok \xc0\x80" + pad}},
         {{0}, {1, 5}},
         {}},
    };
}

// Each must be echoed whole: characters cut at fragment and TCP boundaries are fine.
inline std::vector<Utf8Case> valid_split_cases() {
    return {
        {"a character split across fragments",
         {{1, false, "\xce\xba\xe1"}, {0, true, "\xbd\xb9"}},
         {{0}, {1}},
         "\xce\xba\xe1\xbd\xb9"},
        {"a character split across TCP writes inside a frame",
         {{1, true, kKosme}},
         {{0, 3}, {0, 4}, {0}},
         kKosme},
        {"a four-byte character split across fragments and writes",
         {{1, false, "\xf0\x9f"}, {0, false, "\x98"}, {0, true, "\x80!"}},
         {{0, 1}, {1}, {2, 1}, {2}},
         "\xf0\x9f\x98\x80!"},
    };
}

}  // namespace wire::websocket::test
