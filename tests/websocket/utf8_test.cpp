#include "websocket/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/support/guard_page.hpp"
#include "tests/support/split_feed.hpp"

using namespace wire::websocket;

namespace {

struct Vector {
    const char* name;
    std::string bytes;
    bool valid;       // the whole text is valid UTF-8
    std::size_t bad;  // for invalid text: bytes accepted before the first invalid one
};

std::vector<Vector> vectors() {
    using std::string;
    return {
        {"empty", "", true, 0},
        {"ASCII", "Hello, world", true, 0},
        {"2-byte U+00E9", "caf\xC3\xA9", true, 0},
        {"3-byte U+20AC", "\xE2\x82\xAC", true, 0},
        {"4-byte U+1F600", "\xF0\x9F\x98\x80", true, 0},
        {"U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF", true, 0},
        {"U+D7FF, just below the surrogates", "\xED\x9F\xBF", true, 0},
        {"U+E000, just above the surrogates", "\xEE\x80\x80", true, 0},
        {"Greek kosme", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", true, 0},
        {"NUL is valid", string("a\0b", 3), true, 0},
        {"lone continuation", "ab\x80", false, 2},
        {"overlong '/' in 2 bytes (C0 AF)", "\xC0\xAF", false, 0},
        {"overlong C1", "\xC1\xBF", false, 0},
        {"overlong 3 bytes (E0 80 AF)", "\xE0\x80\xAF", false, 1},
        {"overlong 3 bytes (E0 9F BF)", "\xE0\x9F\xBF", false, 1},
        {"overlong 4 bytes (F0 80 80 AF)", "\xF0\x80\x80\xAF", false, 1},
        {"overlong 4 bytes (F0 8F BF BF)", "\xF0\x8F\xBF\xBF", false, 1},
        {"high surrogate U+D800", "\xED\xA0\x80", false, 1},
        {"low surrogate U+DFFF", "\xED\xBF\xBF", false, 1},
        {"U+110000", "\xF4\x90\x80\x80", false, 1},
        {"F5 lead", "\xF5\x80\x80\x80", false, 0},
        {"FF byte", "x\xFF", false, 1},
        {"FE byte", "\xFE", false, 0},
        {"ASCII inside a 2-byte sequence", "\xC3(", false, 1},
        {"second continuation missing", "\xE2\x82(", false, 2},
        {"invalid after 40 ASCII bytes", string(40, 'a') + "\xC0\x80", false, 40},
        {"truncated 2-byte at end", "ab\xC3", false, 3},
        {"truncated 3-byte at end", "\xE2\x82", false, 2},
        {"truncated 4-byte at end", "\xF0\x9F\x98", false, 3},
    };
}

}  // namespace

TEST_CASE("UTF-8 table: whole, at every cut, and byte by byte give the same verdict") {
    for (const auto& v : vectors()) {
        CAPTURE(v.name);
        CHECK(is_valid_utf8(v.bytes) == v.valid);
        for (const auto& plan : wire::test::all_splits(v.bytes)) {
            Utf8Validator val;
            bool ok = true;
            for (auto piece : plan)
                ok = val.feed(piece) && ok;
            CHECK((ok && val.complete()) == v.valid);
            if (!v.valid && val.failed()) CHECK(val.error_offset() == v.bad);
        }
    }
}

TEST_CASE("a truncated sequence is not a failure until the message ends") {
    Utf8Validator v;
    CHECK(v.feed(std::string_view("\xF0\x9F")));  // half an emoji: fine so far
    CHECK_FALSE(v.complete());
    CHECK(v.feed(std::string_view("\x98\x80")));
    CHECK(v.complete());
}

TEST_CASE("the validator fails fast and stays failed") {
    Utf8Validator v;
    CHECK_FALSE(v.feed(std::string_view("\xED\xA0")));  // surrogate seen at its second byte
    CHECK(v.failed());
    CHECK(v.error_offset() == 1);
    CHECK_FALSE(v.feed(std::string_view("abc")));
    v.reset();
    CHECK(v.feed(std::string_view("abc")));
}

TEST_CASE("every 2-, 3- and 4-byte lead checks its second byte range exhaustively") {
    // Compare against a direct decode of the code point (a second, independent definition).
    for (unsigned lead = 0xC0; lead <= 0xFF; ++lead) {
        for (unsigned second = 0; second <= 0xFF; ++second) {
            std::string s{static_cast<char>(lead), static_cast<char>(second), '\x80', '\x80'};
            const std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            s.resize(len);
            bool expect = (second & 0xC0) == 0x80 && lead < 0xF8;
            if (expect) {
                std::uint32_t cp = lead & (0xFFu >> (len + 1));
                for (std::size_t i = 1; i < len; ++i)
                    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
                const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
                expect = cp >= min && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
            }
            CAPTURE(lead);
            CAPTURE(second);
            CHECK(is_valid_utf8(s) == expect);
        }
    }
}

TEST_CASE("long mixed text fed in pieces of every size from 1 to 13 agrees with the whole check") {
    std::string text;
    while (text.size() < 3000)
        text += "price: 12\xE2\x82\xAC caf\xC3\xA9 \xF0\x9F\x98\x80 \xCE\xBA\xCF\x83 ";
    for (const bool corrupt : {false, true}) {
        std::string t = text;
        if (corrupt) t[2501] = '\xFF';
        const bool whole = is_valid_utf8(t);
        CHECK(whole == !corrupt);
        for (std::size_t step = 1; step <= 13; ++step) {
            Utf8Validator v;
            bool ok = true;
            for (std::size_t at = 0; at < t.size() && ok; at += step) {
                ok = v.feed(std::string_view(t).substr(at, step));
            }
            CAPTURE(step);
            CHECK((ok && v.complete()) == whole);
            if (corrupt) CHECK(v.error_offset() == 2501);
        }
    }
}

TEST_CASE("the validator never reads past its input (guard page)") {
    for (std::string_view s : {std::string_view("abc\xE2\x82"), std::string_view("\xF0\x9F\x98"),
                               std::string_view("abcdefghijklmnopqrstuvwxyz0123456789\xC3"),
                               std::string_view("\xC3\xA9\xC3\xA9\xC3")}) {
        wire::test::GuardedBuffer buf(s);
        Utf8Validator v;
        CHECK(v.feed(buf.view()));
        CHECK_FALSE(v.complete());
    }
}
