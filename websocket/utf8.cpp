#include "websocket/utf8.hpp"

#include <cstring>

namespace wire::websocket {

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

// Length of the leading run of ASCII bytes, 32 bytes per step, then 8, then 1.
std::size_t ascii_prefix(const std::uint8_t* p, std::size_t n) noexcept {
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        std::uint64_t w[4];
        std::memcpy(w, p + i, 32);
        if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) != 0) break;
    }
    for (; i + 8 <= n; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if ((w & kHighBits) != 0) break;
    }
    while (i < n && p[i] < 0x80)
        ++i;
    return i;
}

// What a lead byte starts: how many continuation bytes follow and the range of the first one.
struct Lead {
    std::uint8_t need;  // 0xFF: this byte can never start a character
    std::uint8_t lo;
    std::uint8_t hi;
};

constexpr Lead lead_of(std::uint8_t b) noexcept {
    if (b < 0x80) return {0, 0x80, 0xBF};
    if (b < 0xC2) return {0xFF, 0, 0};  // continuation byte, or C0/C1 (always overlong)
    if (b < 0xE0) return {1, 0x80, 0xBF};
    if (b == 0xE0) return {2, 0xA0, 0xBF};  // E0 80..9F would be overlong
    if (b == 0xED) return {2, 0x80, 0x9F};  // ED A0..BF would be a surrogate, U+D800..DFFF
    if (b < 0xF0) return {2, 0x80, 0xBF};
    if (b == 0xF0) return {3, 0x90, 0xBF};  // F0 80..8F would be overlong
    if (b < 0xF4) return {3, 0x80, 0xBF};
    if (b == 0xF4) return {3, 0x80, 0x8F};  // F4 90.. would be above U+10FFFF
    return {0xFF, 0, 0};                    // F5..FF: above U+10FFFF
}

}  // namespace

bool Utf8Validator::feed(std::span<const std::uint8_t> bytes) noexcept {
    if (failed_) return false;
    const std::uint8_t* p = bytes.data();
    const std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        if (need_ == 0) {
            // Fast path: text is mostly ASCII, checked a word at a time.
            i += ascii_prefix(p + i, n - i);
            if (i == n) break;
            const Lead lead = lead_of(p[i]);
            if (lead.need == 0xFF) break;
            need_ = lead.need;
            lo_ = lead.lo;
            hi_ = lead.hi;
            ++i;
            continue;
        }
        const std::uint8_t b = p[i];
        if (b < lo_ || b > hi_) break;
        --need_;
        lo_ = 0x80;  // only the first continuation byte has a narrowed range
        hi_ = 0xBF;
        ++i;
    }
    offset_ += i;
    if (i < n) failed_ = true;
    return !failed_;
}

bool is_valid_utf8(std::span<const std::uint8_t> bytes) noexcept {
    Utf8Validator v;
    return v.feed(bytes) && v.complete();
}

bool is_valid_utf8(std::string_view text) noexcept {
    Utf8Validator v;
    return v.feed(text) && v.complete();
}

}  // namespace wire::websocket
