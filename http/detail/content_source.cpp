// wire:glue
#include "http/detail/content_source.hpp"

#include <array>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "http/content_type.hpp"
#include "http/date.hpp"
#include "http/detail/byte_range.hpp"
#include "http/detail/conditional.hpp"
#include "http/handlers.hpp"

namespace wire::http::detail {
namespace {

constexpr std::size_t kCopyBuffer = 32 * 1024;
constexpr std::size_t kSniffLen = 512;

// RFC 9110 §15.4.5: a 304 carries the validators but no content description (Go's
// writeNotModified); with an ETag, Last-Modified is redundant.
void write_not_modified(ResponseWriter& w) {
    Header& h = w.header();
    h.del("Content-Type");
    h.del("Content-Length");
    h.del("Content-Encoding");
    if (h.has("ETag")) h.del("Last-Modified");
    w.write_header(304);
}

std::string random_boundary() {
    std::array<std::uint8_t, 15> raw{};
    if (crypto::fill_random(raw)) {
        // No randomness: a fixed boundary still works unless the file happens to contain it.
        raw.fill(0x5a);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string b;
    for (std::uint8_t x : raw) {
        b += kHex[x >> 4];
        b += kHex[x & 15];
    }
    return b;
}

// Copies [offset, offset + length) of `content` to `w`; false when a read or write fails
// (the response is then cut short: the length was promised).
bool copy_range(ResponseWriter& w, ContentSource& content, std::uint64_t offset,
                std::uint64_t length) {
    std::vector<char> buf(static_cast<std::size_t>(std::min<std::uint64_t>(length, kCopyBuffer)));
    while (length > 0) {
        std::size_t got = 0;
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(length, buf.size()));
        if (content.read_at(offset, buf.data(), want, got) || got == 0) return false;
        if (!w.write(std::string_view(buf.data(), got))) return false;
        offset += got;
        length -= got;
    }
    return true;
}

std::string_view content_type_of(std::string_view name, ContentSource& content, std::string& tmp) {
    std::string_view ct = content_type_for_extension(path_extension(name));
    if (!ct.empty()) return ct;
    // No known extension: sniff the first bytes (WHATWG MIME Sniffing, as Go).
    tmp.resize(static_cast<std::size_t>(std::min<std::uint64_t>(content.size(), kSniffLen)));
    std::size_t got = 0;
    if (!tmp.empty() && content.read_at(0, tmp.data(), tmp.size(), got)) got = 0;
    tmp.resize(got);
    return detect_content_type(tmp);
}

}  // namespace

void serve_source(ResponseWriter& w, Request& r, std::string_view name,
                  std::optional<std::time_t> modtime, ContentSource& content, bool encoded) {
    Header& h = w.header();
    // Go: the zero time and the Unix epoch mean "unknown".
    if (modtime && *modtime <= 0) modtime.reset();
    if (modtime) {
        char date[kHttpDateSize];
        format_http_date(*modtime, date);
        h.set("Last-Modified", std::string_view(date, kHttpDateSize));
    }
    ConditionalFields f;
    f.method = r.method;
    f.if_match = r.header.get("If-Match");
    f.if_unmodified_since = r.header.get("If-Unmodified-Since");
    f.if_none_match = r.header.get("If-None-Match");
    f.if_modified_since = r.header.get("If-Modified-Since");
    f.if_range = r.header.get("If-Range");
    f.range = r.header.get("Range");
    const std::string etag(h.get("ETag"));
    const ConditionalResult cond = evaluate_preconditions(f, etag, modtime);
    if (cond.outcome == Precondition::not_modified) return write_not_modified(w);
    if (cond.outcome == Precondition::precondition_failed) return w.write_header(412);

    std::string sniffed;
    if (!h.has("Content-Type")) h.set("Content-Type", content_type_of(name, content, sniffed));

    const std::uint64_t size = content.size();
    std::vector<ByteRange> ranges;
    const RangeStatus rs = parse_range(cond.range, size, ranges);
    h.set("Accept-Ranges", "bytes");
    if (rs == RangeStatus::unsatisfiable || rs == RangeStatus::malformed) {
        // RFC 9110 §15.5.17: 416 says how long the representation is.
        h.set("Content-Range", content_range_unsatisfied(size));
        return error(w, "invalid range: failed to overlap", 416);
    }
    const bool head = r.method == "HEAD";
    if (rs != RangeStatus::satisfiable) {
        if (encoded || !h.has("Content-Encoding")) h.set("Content-Length", std::to_string(size));
        w.write_header(200);
        if (!head) (void)copy_range(w, content, 0, size);
        return;
    }
    if (ranges.size() == 1) {
        // RFC 9110 §14.4: a single part is sent as is, described by Content-Range.
        h.set("Content-Range", content_range(ranges[0], size));
        h.set("Content-Length", std::to_string(ranges[0].length));
        w.write_header(206);
        if (!head) (void)copy_range(w, content, ranges[0].start, ranges[0].length);
        return;
    }
    // RFC 9110 §14.6: several parts go as multipart/byteranges.
    const std::string boundary = random_boundary();
    const ByterangesLayout layout =
        layout_byteranges(ranges, size, std::string(h.get("Content-Type")), boundary);
    h.set("Content-Type", "multipart/byteranges; boundary=" + boundary);
    h.set("Content-Length", std::to_string(layout.content_length));
    w.write_header(206);
    if (head) return;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        if (!w.write(layout.part_heads[i])) return;
        if (!copy_range(w, content, ranges[i].start, ranges[i].length)) return;
    }
    (void)w.write(layout.tail);
}

}  // namespace wire::http::detail
