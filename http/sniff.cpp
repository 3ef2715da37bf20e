// detect_content_type (declared in http/content_type.hpp): the WHATWG MIME Sniffing Standard
// rules, in the order Go's net/http/sniff.go applies them.
#include <algorithm>
#include <array>
#include <cstdint>

#include "http/content_type.hpp"

namespace wire::http {
namespace {

constexpr std::size_t kSniffLen = 512;  // WHATWG §7: the resource header is at most 512 bytes

// WHATWG "whitespace byte": HT, LF, FF, CR, SP.
bool is_ws(char c) {
    return c == '\t' || c == '\n' || c == '\x0c' || c == '\r' || c == ' ';
}

std::string_view skip_ws(std::string_view d) {
    std::size_t i = 0;
    while (i < d.size() && is_ws(d[i]))
        ++i;
    return d.substr(i);
}

// An HTML signature: after whitespace, `pat` case-insensitively (letters only), then a
// tag-terminating byte: SP or ">" (WHATWG §7.1, "<!--" included).
bool html_sig(std::string_view data, std::string_view pat) {
    data = skip_ws(data);
    if (data.size() < pat.size() + 1) return false;
    for (std::size_t i = 0; i < pat.size(); ++i) {
        char b = data[i];
        if (pat[i] >= 'A' && pat[i] <= 'Z') b = static_cast<char>(b & 0xDF);
        if (b != pat[i]) return false;
    }
    const char end = data[pat.size()];
    return end == ' ' || end == '>';
}

// A byte pattern with a mask: data[i] & mask[i] == pat[i] (WHATWG §6 "pattern matching").
struct Masked {
    std::string_view mask, pat, type;
    bool skip_ws = false;
};

bool masked_match(std::string_view data, const Masked& m) {
    if (m.skip_ws) data = skip_ws(data);
    if (data.size() < m.pat.size()) return false;
    for (std::size_t i = 0; i < m.pat.size(); ++i) {
        if ((data[i] & m.mask[i]) != m.pat[i]) return false;
    }
    return true;
}

using namespace std::string_view_literals;

constexpr std::array<std::string_view, 17> kHtmlSigs{"<!DOCTYPE HTML",
                                                     "<HTML",
                                                     "<HEAD",
                                                     "<SCRIPT",
                                                     "<IFRAME",
                                                     "<H1",
                                                     "<DIV",
                                                     "<FONT",
                                                     "<TABLE",
                                                     "<A",
                                                     "<STYLE",
                                                     "<TITLE",
                                                     "<B",
                                                     "<BODY",
                                                     "<BR",
                                                     "<P",
                                                     "<!--"};

// Exact signatures are masks of 0xFF. Order matters: it is Go's.
const Masked kSigs[] = {
    {"\xFF\xFF\xFF\xFF\xFF"sv, "<?xml"sv, "text/xml; charset=utf-8", true},
    {"\xFF\xFF\xFF\xFF\xFF"sv, "%PDF-"sv, "application/pdf"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"sv, "%!PS-Adobe-"sv, "application/postscript"},
    // Byte order marks (WHATWG §7.1 step "text or binary").
    {"\xFF\xFF\x00\x00"sv, "\xFE\xFF\x00\x00"sv, "text/plain; charset=utf-16be"},
    {"\xFF\xFF\x00\x00"sv, "\xFF\xFE\x00\x00"sv, "text/plain; charset=utf-16le"},
    {"\xFF\xFF\xFF"sv, "\xEF\xBB\xBF"sv, "text/plain; charset=utf-8"},
    // Images (WHATWG §6.1).
    {"\xFF\xFF\xFF\xFF"sv, "\x00\x00\x01\x00"sv, "image/x-icon"},
    {"\xFF\xFF\xFF\xFF"sv, "\x00\x00\x02\x00"sv, "image/x-icon"},
    {"\xFF\xFF"sv, "BM"sv, "image/bmp"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF"sv, "GIF87a"sv, "image/gif"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF"sv, "GIF89a"sv, "image/gif"},
    {"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF\xFF\xFF"sv, "RIFF\x00\x00\x00\x00WEBPVP"sv,
     "image/webp"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"sv, "\x89PNG\x0D\x0A\x1A\x0A"sv, "image/png"},
    {"\xFF\xFF\xFF"sv, "\xFF\xD8\xFF"sv, "image/jpeg"},
    // Audio and video (WHATWG §6.2); MP4 is handled in code below.
    {"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv,
     "FORM\x00\x00\x00\x00"
     "AIFF"sv,
     "audio/aiff"},
    {"\xFF\xFF\xFF"sv, "ID3"sv, "audio/mpeg"},
    {"\xFF\xFF\xFF\xFF\xFF"sv, "OggS\x00"sv, "application/ogg"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"sv, "MThd\x00\x00\x00\x06"sv, "audio/midi"},
    {"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv,
     "RIFF\x00\x00\x00\x00"
     "AVI "sv,
     "video/avi"},
    {"\xFF\xFF\xFF\xFF\x00\x00\x00\x00\xFF\xFF\xFF\xFF"sv, "RIFF\x00\x00\x00\x00WAVE"sv,
     "audio/wave"},
};

const Masked kLateSigs[] = {
    {"\xFF\xFF\xFF\xFF"sv, "\x1A\x45\xDF\xA3"sv, "video/webm"},
    // Fonts (WHATWG §6.3). Embedded OpenType: "LP" at offset 34.
    {"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
     "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xFF\xFF"sv,
     "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
     "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00LP"sv,
     "application/vnd.ms-fontobject"},
    {"\xFF\xFF\xFF\xFF"sv, "\x00\x01\x00\x00"sv, "font/ttf"},
    {"\xFF\xFF\xFF\xFF"sv, "OTTO"sv, "font/otf"},
    {"\xFF\xFF\xFF\xFF"sv, "ttcf"sv, "font/collection"},
    {"\xFF\xFF\xFF\xFF"sv, "wOFF"sv, "font/woff"},
    {"\xFF\xFF\xFF\xFF"sv, "wOF2"sv, "font/woff2"},
    // Archives (WHATWG §6.4).
    {"\xFF\xFF\xFF"sv, "\x1F\x8B\x08"sv, "application/x-gzip"},
    {"\xFF\xFF\xFF\xFF"sv, "PK\x03\x04"sv, "application/zip"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF\xFF"sv, "Rar!\x1A\x07\x00"sv, "application/x-rar-compressed"},
    {"\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF"sv, "Rar!\x1A\x07\x01\x00"sv,
     "application/x-rar-compressed"},
    {"\xFF\xFF\xFF\xFF"sv,
     "\x00"
     "asm"sv,
     "application/wasm"},
};

std::uint32_t be32(std::string_view d) {
    return (std::uint32_t{static_cast<unsigned char>(d[0])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(d[1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(d[2])} << 8) |
           static_cast<unsigned char>(d[3]);
}

// WHATWG §6.2.1 "matches the signature for MP4": an ftyp box whose brands include "mp4".
bool is_mp4(std::string_view d) {
    if (d.size() < 12) return false;
    const std::uint32_t box = be32(d);
    if (box % 4 != 0 || d.size() < box || d.substr(4, 4) != "ftyp") return false;
    for (std::uint32_t at = 8; at + 3 <= box; at += 4) {
        if (at == 12) continue;  // the minor version, not a brand
        if (d.substr(at, 3) == "mp4") return true;
    }
    return false;
}

// WHATWG §7.1 "binary data byte": controls other than HT, LF, FF, CR and ESC.
bool has_binary_byte(std::string_view d) {
    return std::any_of(d.begin(), d.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F);
    });
}

}  // namespace

std::string_view detect_content_type(std::string_view data) noexcept {
    data = data.substr(0, std::min(data.size(), kSniffLen));
    for (std::string_view sig : kHtmlSigs) {
        if (html_sig(data, sig)) return "text/html; charset=utf-8";
    }
    for (const Masked& m : kSigs) {
        if (masked_match(data, m)) return m.type;
    }
    if (is_mp4(data)) return "video/mp4";
    for (const Masked& m : kLateSigs) {
        if (masked_match(data, m)) return m.type;
    }
    return has_binary_byte(data) ? "application/octet-stream" : "text/plain; charset=utf-8";
}

}  // namespace wire::http
