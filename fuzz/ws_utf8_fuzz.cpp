// UTF-8 validator differential: incremental at input-chosen cuts against whole, and both against
// a plain code-point decoder written independently here.
#include <cstdlib>

#include "websocket/utf8.hpp"

namespace {

// Decodes one character at a time by the definition: value ranges, not byte ranges.
bool reference_valid(const std::uint8_t* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t b = p[i];
        std::size_t len;
        std::uint32_t cp;
        if (b < 0x80) {
            len = 1;
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1Fu;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0Fu;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07u;
        } else
            return false;
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using wire::websocket::Utf8Validator;
    if (size < 2) return 0;
    // The first two bytes choose the cut sizes; the rest is the text.
    const std::size_t step_a = 1 + data[0] % 37, step_b = 1 + data[1] % 5;
    const std::uint8_t* text = data + 2;
    const std::size_t n = size - 2;
    const bool whole = wire::websocket::is_valid_utf8({text, n});
    if (whole != reference_valid(text, n)) std::abort();
    Utf8Validator v;
    bool ok = true;
    std::size_t at = 0, turn = 0;
    while (at < n) {
        const std::size_t len = std::min(n - at, (turn++ & 1) ? step_b : step_a);
        if (!v.feed({text + at, len})) {
            ok = false;
            break;
        }
        at += len;
    }
    if ((ok && v.complete()) != whole) std::abort();
    // Fail fast: the reported offset is where the whole-input check stops as well.
    if (!ok) {
        Utf8Validator w;
        (void)w.feed({text, n});
        if (w.error_offset() != v.error_offset()) std::abort();
    }
    return 0;
}
