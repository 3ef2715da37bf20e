#include "websocket/utf8.hpp"

#include <cstring>

namespace wire::websocket {

namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

std::uint64_t load64(const std::uint8_t* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

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
    // An empty range (lo > hi) makes the second-byte check reject a byte that cannot lead.
    if (b < 0xC2) return {0xFF, 0xFF, 0};  // continuation byte, or C0/C1 (always overlong)
    if (b < 0xE0) return {1, 0x80, 0xBF};
    if (b == 0xE0) return {2, 0xA0, 0xBF};  // E0 80..9F would be overlong
    if (b == 0xED) return {2, 0x80, 0x9F};  // ED A0..BF would be a surrogate, U+D800..DFFF
    if (b < 0xF0) return {2, 0x80, 0xBF};
    if (b == 0xF0) return {3, 0x90, 0xBF};  // F0 80..8F would be overlong
    if (b < 0xF4) return {3, 0x80, 0xBF};
    if (b == 0xF4) return {3, 0x80, 0x8F};  // F4 90.. would be above U+10FFFF
    return {0xFF, 0xFF, 0};                 // F5..FF: above U+10FFFF
}

// Every byte's Lead, computed at compile time: one load instead of a chain of comparisons.
struct LeadTable {
    Lead entries[256];
    constexpr LeadTable() : entries{} {
        for (unsigned b = 0; b < 256; ++b)
            entries[b] = lead_of(static_cast<std::uint8_t>(b));
    }
};
constexpr LeadTable kLeads;

bool is_tail(std::uint8_t b) noexcept {
    return (b & 0xC0) == 0x80;
}

}  // namespace

bool Utf8Validator::feed(std::span<const std::uint8_t> bytes) noexcept {
    if (failed_) return false;
    const std::uint8_t* p = bytes.data();
    const std::size_t n = bytes.size();
    // 1. Finish a character that an earlier piece left open.
    std::size_t i = 0;
    if (!continue_open(p, n, i)) return false;
    // 2. Whole characters while at least 4 bytes remain, so no check runs past the end.
    while (n - i >= 4) {
        const std::uint8_t b = p[i];
        if (b < 0x80) {
            // Text is mostly ASCII: skip long runs of it a word at a time, but step over the
            // single spaces and digits of multibyte text without the set-up.
            ++i;
            if (n - i >= 8 && (load64(p + i) & kHighBits) == 0) i += ascii_prefix(p + i, n - i);
            continue;
        }
        const Lead lead = kLeads.entries[b];
        if (p[i + 1] < lead.lo || p[i + 1] > lead.hi) return fail_at(lead.need == 0xFF ? i : i + 1);
        // Branch on the length (from the lead byte itself, not the table) so that finding the
        // next character does not wait for a table load: the branch is predicted instead.
        if (b < 0xE0) {
            i += 2;
            continue;
        }
        if (!is_tail(p[i + 2])) return fail_at(i + 2);
        if (b < 0xF0) {
            i += 3;
            continue;
        }
        if (!is_tail(p[i + 3])) return fail_at(i + 3);
        i += 4;
    }
    // 3. The last bytes one at a time; a character cut by the end of the piece stays open.
    while (i < n) {
        if (p[i] < 0x80) {
            ++i;
            continue;
        }
        const Lead lead = kLeads.entries[p[i]];
        if (lead.need == 0xFF) return fail_at(i);
        need_ = lead.need;
        lo_ = lead.lo;
        hi_ = lead.hi;
        ++i;
        if (!continue_open(p, n, i)) return false;
    }
    offset_ += n;
    return true;
}

bool Utf8Validator::continue_open(const std::uint8_t* p, std::size_t n, std::size_t& i) noexcept {
    while (need_ > 0 && i < n) {
        if (p[i] < lo_ || p[i] > hi_) return fail_at(i);
        --need_;
        lo_ = 0x80;  // only the first continuation byte has a narrowed range
        hi_ = 0xBF;
        ++i;
    }
    return true;
}

bool Utf8Validator::fail_at(std::size_t index) noexcept {
    offset_ += index;
    failed_ = true;
    return false;
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
