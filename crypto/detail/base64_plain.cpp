// The reference Base64 codec: one quantum at a time, each rule beside its RFC 4648 section.
#include "crypto/detail/base64_codec.hpp"
#include "crypto/detail/base64_tables.hpp"
#include "crypto/error.hpp"

namespace wire::crypto::detail {
namespace {

using base64::DecodeResult;
using base64::Encoding;

std::uint8_t byte(std::uint32_t v) noexcept {
    return static_cast<std::uint8_t>(v);
}

DecodeResult fail(Error e, std::size_t offset, std::size_t written) noexcept {
    return {written, make_error_code(e), offset};
}

// The end of the input: `count` (0..3) characters of a final quantum are in `group`, 6 bits
// each, and `i` is the index of the first '=' or the end of the input.
DecodeResult finish(std::string_view in, std::size_t i, std::uint32_t group, std::size_t count,
                    std::span<std::uint8_t> out, std::size_t written, Encoding enc) noexcept {
    const bool at_end = i == in.size();
    // Why: 0 or 1 characters followed by '=' leave padding where data must be.
    const Error misplaced =
        enc.padded ? Error::base64_wrong_padding : Error::base64_unexpected_padding;
    if (count == 0) return at_end ? DecodeResult{written, {}, 0} : fail(misplaced, i, written);
    // Why: one character carries 6 bits, too few for a byte (RFC 4648 §4 never produces it).
    if (count == 1)
        return at_end ? fail(Error::base64_truncated, i, written) : fail(misplaced, i, written);

    // RFC 4648 §3.5: the bits of the last character beyond the final byte must be zero, else
    // several inputs would decode to the same bytes. 2 chars = 12 bits (8 used), 3 = 18 (16).
    const std::uint32_t unused_mask = count == 2 ? 0xf : 0x3;
    if (group & unused_mask) return fail(Error::base64_nonzero_trailing_bits, i - 1, written);

    if (!enc.padded) {
        // Why: this encoding has no padding, so '=' is not part of its alphabet.
        if (!at_end) return fail(Error::base64_unexpected_padding, i, written);
    } else {
        // RFC 4648 §3.2, §4: "==" after two characters, "=" after three.
        const std::size_t need = 4 - count;
        for (std::size_t k = 0; k < need; ++k) {
            if (i + k == in.size()) return fail(Error::base64_missing_padding, in.size(), written);
            if (in[i + k] != '=') return fail(Error::base64_wrong_padding, i + k, written);
        }
        i += need;
        // RFC 4648 §3.3: nothing may follow the padded final quantum.
        if (i < in.size()) {
            return fail(
                in[i] == '=' ? Error::base64_excess_padding : Error::base64_data_after_padding, i,
                written);
        }
    }

    if (count == 2) {
        out[written++] = byte(group >> 4);
    } else {
        out[written++] = byte(group >> 10);
        out[written++] = byte(group >> 2);
    }
    return {written, {}, 0};
}

}  // namespace

std::size_t base64_encode_plain(std::span<const std::uint8_t> in, char* out,
                                Encoding enc) noexcept {
    const char* chars = base64_chars(enc.alphabet);
    std::size_t o = 0, i = 0;
    // RFC 4648 §4: each 24-bit group of three bytes becomes four 6-bit indices, most
    // significant first.
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t group =
            std::uint32_t{in[i]} << 16 | std::uint32_t{in[i + 1]} << 8 | in[i + 2];
        out[o++] = chars[group >> 18 & 63];
        out[o++] = chars[group >> 12 & 63];
        out[o++] = chars[group >> 6 & 63];
        out[o++] = chars[group & 63];
    }
    // The final quantum: one byte -> two characters, two bytes -> three; zero bits fill the last
    // character, and '=' pads to four characters when the encoding pads (§3.2).
    const std::size_t tail = in.size() - i;
    if (tail == 0) return o;
    std::uint32_t group = std::uint32_t{in[i]} << 16;
    if (tail == 2) group |= std::uint32_t{in[i + 1]} << 8;
    out[o++] = chars[group >> 18 & 63];
    out[o++] = chars[group >> 12 & 63];
    if (tail == 2) out[o++] = chars[group >> 6 & 63];
    if (enc.padded) {
        while (o % 4 != 0)
            out[o++] = '=';
    }
    return o;
}

DecodeResult base64_decode_plain(std::string_view in, std::span<std::uint8_t> out, Encoding enc,
                                 std::size_t start, std::size_t written) noexcept {
    const Base64DecodeTable& table = base64_decode_table(enc.alphabet);
    std::uint32_t group = 0;  // the current quantum's characters, 6 bits each
    std::size_t count = 0;    // characters in `group`
    std::size_t i = start;
    for (; i < in.size() && in[i] != '='; ++i) {
        const std::uint8_t value = table[static_cast<unsigned char>(in[i])];
        // RFC 4648 §3.3: reject characters outside the alphabet (CR, LF and spaces included).
        if (value == base64_invalid) return fail(Error::base64_invalid_character, i, written);
        group = group << 6 | value;
        if (++count == 4) {  // a whole quantum: 24 bits -> three bytes
            out[written++] = byte(group >> 16);
            out[written++] = byte(group >> 8);
            out[written++] = byte(group);
            group = 0;
            count = 0;
        }
    }
    return finish(in, i, group, count, out, written, enc);
}

}  // namespace wire::crypto::detail
