#include "crypto/base64.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <array>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/detail/base64_codec.hpp"
#include "tests/support/guard_page.hpp"

namespace {

namespace base64 = wire::crypto::base64;
namespace detail = wire::crypto::detail;
using wire::crypto::Error;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string strip_padding(std::string s) {
    while (!s.empty() && s.back() == '=')
        s.pop_back();
    return s;
}

std::string as_url(std::string s) {
    for (char& c : s)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    return s;
}

constexpr base64::Encoding all_encodings[] = {base64::std_encoding, base64::url_encoding,
                                              base64::raw_std_encoding, base64::raw_url_encoding};

// The text of `in` under `enc`, from a standard padded spelling.
std::string respell(std::string std_text, base64::Encoding enc) {
    if (enc.alphabet == base64::Alphabet::url) std_text = as_url(std_text);
    return enc.padded ? std_text : strip_padding(std_text);
}

std::string encode_with(bool fast, std::string_view in, base64::Encoding enc) {
    std::string out(base64::encoded_size(in.size(), enc), '?');
    const std::size_t n = fast ? detail::base64_encode_fast(bytes_of(in), out.data(), enc)
                               : detail::base64_encode_plain(bytes_of(in), out.data(), enc);
    REQUIRE(n == out.size());
    return out;
}

struct Decoded {
    std::string bytes;
    std::error_code error;
    std::size_t offset;
};

Decoded decode_with(bool fast, std::string_view in, base64::Encoding enc) {
    std::vector<std::uint8_t> out(base64::decoded_size(in.size(), enc));
    const auto r =
        fast ? detail::base64_decode_fast(in, out, enc) : detail::base64_decode_plain(in, out, enc);
    if (r.error) return {"", r.error, r.offset};
    REQUIRE(r.written <= out.size());
    return {std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r.written)), {}, 0};
}

}  // namespace

TEST_CASE("base64: RFC 4648 §10 test vectors, all four encodings, plain and fast") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain_text, std_text] : vectors) {
        for (auto enc : all_encodings) {
            for (bool fast : {false, true}) {
                const std::string want = respell(std_text, enc);
                CAPTURE(want);
                CAPTURE(fast);
                CHECK(encode_with(fast, plain_text, enc) == want);
                const Decoded d = decode_with(fast, want, enc);
                CHECK_FALSE(d.error);
                CHECK(d.bytes == plain_text);
            }
            CHECK(base64::encode(std::string_view(plain_text), enc) == respell(std_text, enc));
        }
    }
}

TEST_CASE("base64: the two alphabets differ only in values 62 and 63 (RFC 4648 §4, §5)") {
    const std::string in = "\xfb\xff\xbf";  // 111110 111111 111110 111111
    CHECK(base64::encode(in) == "+/+/");
    CHECK(base64::encode(in, base64::url_encoding) == "-_-_");
    CHECK(decode_with(true, "-_-_", base64::std_encoding).error == Error::base64_invalid_character);
    CHECK(decode_with(true, "+/+/", base64::url_encoding).error == Error::base64_invalid_character);
    CHECK(decode_with(true, "-_-_", base64::url_encoding).bytes == in);
}

TEST_CASE("base64: encoded_size and decoded_size") {
    CHECK(base64::encoded_size(0) == 0);
    CHECK(base64::encoded_size(1) == 4);
    CHECK(base64::encoded_size(20) == 28);  // a SHA-1 digest: Sec-WebSocket-Accept is 28 chars
    CHECK(base64::encoded_size(16) == 24);  // a Sec-WebSocket-Key nonce
    CHECK(base64::encoded_size(1, base64::raw_std_encoding) == 2);
    CHECK(base64::encoded_size(2, base64::raw_url_encoding) == 3);
    CHECK(base64::encoded_size(3, base64::raw_url_encoding) == 4);
    CHECK(base64::decoded_size(24) == 18);
    CHECK(base64::decoded_size(2, base64::raw_std_encoding) == 1);
    CHECK(base64::decoded_size(3, base64::raw_std_encoding) == 2);
    CHECK(base64::decoded_size(5, base64::raw_std_encoding) == 3);
    for (std::size_t n = 0; n < 100; ++n) {
        for (auto enc : all_encodings) {
            CHECK(base64::decoded_size(base64::encoded_size(n, enc), enc) >= n);
            if (!enc.padded) CHECK(base64::decoded_size(base64::encoded_size(n, enc), enc) == n);
        }
    }
}

TEST_CASE("base64: every malformed-input class, with the offset of the first bad byte") {
    struct Bad {
        const char* input;
        base64::Encoding enc;
        Error error;
        std::size_t offset;
    };
    const Bad cases[] = {
        {"Zm9v!mFy", base64::std_encoding, Error::base64_invalid_character, 4},
        {"Zm9vYmFy\r\n", base64::std_encoding, Error::base64_invalid_character,
         8},  // no CR/LF skipping
        {"Zm 9v", base64::std_encoding, Error::base64_invalid_character, 2},
        {"Zm9v\x80mFy", base64::std_encoding, Error::base64_invalid_character, 4},
        {"Zm9vYmFyZm9vYmFyZm9v-mFy", base64::std_encoding, Error::base64_invalid_character, 20},
        {"Zm9vYmFy+m9v", base64::url_encoding, Error::base64_invalid_character, 8},
        {"Zm8=", base64::raw_std_encoding, Error::base64_unexpected_padding, 3},
        {"Zg==", base64::raw_url_encoding, Error::base64_unexpected_padding, 2},
        {"=Zm9", base64::std_encoding, Error::base64_wrong_padding, 0},
        {"Z===", base64::std_encoding, Error::base64_wrong_padding, 1},
        {"Zm9v=", base64::std_encoding, Error::base64_wrong_padding, 4},
        {"Zg=A", base64::std_encoding, Error::base64_wrong_padding, 3},
        {"Zm9vZg", base64::std_encoding, Error::base64_missing_padding, 6},
        {"Zm9vZg=", base64::std_encoding, Error::base64_missing_padding, 7},
        {"Zm8", base64::url_encoding, Error::base64_missing_padding, 3},
        {"Zm8==", base64::std_encoding, Error::base64_excess_padding, 4},
        {"Zg===", base64::std_encoding, Error::base64_excess_padding, 4},
        {"Zg==Zm9v", base64::std_encoding, Error::base64_data_after_padding, 4},
        {"Zm8=Zm9vYmFyZm9vYmFy", base64::std_encoding, Error::base64_data_after_padding, 4},
        {"Zm9vY", base64::raw_std_encoding, Error::base64_truncated, 5},
        {"Zm9vYmFyZ", base64::std_encoding, Error::base64_truncated, 9},
        {"Zh==", base64::std_encoding, Error::base64_nonzero_trailing_bits, 1},  // 'h' = 100001
        {"Zm9=", base64::std_encoding, Error::base64_nonzero_trailing_bits, 2},  // '9' = 111101
        {"Zh", base64::raw_std_encoding, Error::base64_nonzero_trailing_bits, 1},
        {"Zh=A", base64::std_encoding, Error::base64_nonzero_trailing_bits,
         1},  // the earlier fault wins
        {"Zm9vYmFyZm9vYmFyZh", base64::std_encoding, Error::base64_nonzero_trailing_bits, 17},
    };
    for (const auto& c : cases) {
        for (bool fast : {false, true}) {
            CAPTURE(c.input);
            CAPTURE(fast);
            const Decoded d = decode_with(fast, c.input, c.enc);
            CHECK(d.error == c.error);
            CHECK(d.offset == c.offset);
        }
        std::vector<std::uint8_t> out(base64::decoded_size(std::strlen(c.input), c.enc));
        const auto r = base64::decode(c.input, out, c.enc);
        CHECK(r.error == c.error);
        CHECK(r.offset == c.offset);
    }
}

TEST_CASE("base64: every last character is accepted exactly when its unused bits are zero") {
    // RFC 4648 §3.5: "Zm" + c + "=" uses 2 bits of c's value as padding, "Z" + c + "==" uses 4.
    const std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t v = 0; v < 64; ++v) {
        for (bool fast : {false, true}) {
            for (bool padded : {true, false}) {
                const base64::Encoding enc =
                    padded ? base64::std_encoding : base64::raw_std_encoding;
                const std::string two = std::string("Z") + alphabet[v] + (padded ? "==" : "");
                const std::string three = std::string("Zm") + alphabet[v] + (padded ? "=" : "");
                CAPTURE(two);
                CAPTURE(three);
                const Decoded d2 = decode_with(fast, two, enc), d3 = decode_with(fast, three, enc);
                CHECK(!d2.error == ((v & 0xf) == 0));
                CHECK(!d3.error == ((v & 0x3) == 0));
                if (d2.error) CHECK(d2.error == Error::base64_nonzero_trailing_bits);
                if (d2.error) CHECK(d2.offset == 1);
                if (d3.error) CHECK(d3.offset == 2);
            }
        }
    }
}

TEST_CASE("base64: plain and fast agree on random valid and corrupted input") {
    std::mt19937 rng(4648);
    const char noise[] = "=A/+-_ \n\x80Zz09";
    for (int round = 0; round < 3000; ++round) {
        const auto enc = all_encodings[round % 4];
        std::string in(rng() % 80, '\0');
        for (char& ch : in)
            ch = static_cast<char>(rng());
        const std::string plain_text = encode_with(false, in, enc);
        REQUIRE(encode_with(true, in, enc) == plain_text);
        std::string text = plain_text;
        if (round % 2 == 1 && !text.empty()) {  // corrupt one character, maybe two
            text[rng() % text.size()] = noise[rng() % (sizeof(noise) - 1)];
            if (rng() % 3 == 0) text[rng() % text.size()] = noise[rng() % (sizeof(noise) - 1)];
        }
        const Decoded a = decode_with(false, text, enc), b = decode_with(true, text, enc);
        CAPTURE(text);
        CHECK(a.error == b.error);
        CHECK(a.offset == b.offset);
        CHECK(a.bytes == b.bytes);
        if (text == plain_text) CHECK(a.bytes == in);
    }
}

TEST_CASE("base64: input and output ending at a guard page are never over-read or over-written") {
    for (std::size_t n = 0; n <= 40; ++n) {
        std::string in(n, '\0');
        for (std::size_t i = 0; i < n; ++i)
            in[i] = static_cast<char>(i * 37 + 1);
        for (auto enc : all_encodings) {
            wire::test::GuardedBuffer src(in);
            wire::test::GuardedBuffer text(std::string(base64::encoded_size(n, enc), '\0'));
            const std::size_t len = base64::encode(std::span<const std::uint8_t>(src.bytes()),
                                                   std::span{text.data(), text.size()}, enc);
            CHECK(len == text.size());
            wire::test::GuardedBuffer guarded_text(text.view());
            wire::test::GuardedBuffer out(std::string(base64::decoded_size(len, enc), '\0'));
            const auto r = base64::decode(guarded_text.view(), out.bytes(), enc);
            CHECK_FALSE(r.error);
            CHECK(std::string_view(out.data(), r.written) == in);
        }
    }
}

TEST_CASE("base64: an undersized output buffer is a programmer error") {
    std::array<char, 3> small{};
    std::array<std::uint8_t, 2> tiny{};
    CHECK_THROWS_AS(base64::encode(bytes_of("foo"), small), std::length_error);
    CHECK_THROWS_AS((void)base64::decode("Zm9v", tiny), std::length_error);
    std::array<char, 4> exact{};
    CHECK(base64::encode(bytes_of("foo"), exact) == 4);
}

TEST_CASE("base64: agrees with OpenSSL's EVP_EncodeBlock and EVP_DecodeBlock") {
    std::mt19937 rng(1);
    for (int round = 0; round < 500; ++round) {
        std::vector<std::uint8_t> in(round < 200 ? static_cast<std::size_t>(round) : rng() % 5000);
        for (auto& b : in)
            b = static_cast<std::uint8_t>(rng());
        std::vector<unsigned char> theirs(base64::encoded_size(in.size()) + 1);
        const int elen = EVP_EncodeBlock(theirs.data(), in.data(), static_cast<int>(in.size()));
        const std::string ours = base64::encode(std::span<const std::uint8_t>(in));
        REQUIRE(static_cast<std::size_t>(elen) == ours.size());
        CHECK(std::string_view(reinterpret_cast<const char*>(theirs.data()), ours.size()) == ours);

        std::vector<std::uint8_t> back(base64::decoded_size(ours.size()));
        const auto r = base64::decode(ours, back);
        REQUIRE_FALSE(r.error);
        back.resize(r.written);
        CHECK(back == in);
        // EVP_DecodeBlock keeps the zero bytes that padding stands for; compare the prefix.
        std::vector<unsigned char> evp(ours.size() / 4 * 3 + 3);
        const int dlen = EVP_DecodeBlock(evp.data(), theirs.data(), elen);
        REQUIRE(dlen >= static_cast<int>(in.size()));
        CHECK(std::equal(in.begin(), in.end(), evp.begin()));
    }
}
