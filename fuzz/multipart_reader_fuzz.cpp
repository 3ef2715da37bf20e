// MultipartReader fuzz target: the input is "<content-type>\n<body>", as multipart_fuzz.
//   1. The reader, pulling the body from a source in pieces of generated sizes through its
//      smallest buffer, and reading each part with generated read sizes (copying and zero-copy),
//      reports the same parts, bodies and outcome as MultipartParser fed the whole body at once.
//   2. Skipping every part's body (next_part() only) ends with the same outcome.
//   3. No chunk handed out is larger than the reader's buffer.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "http/detail/media_type.hpp"
#include "http/error.hpp"
#include "http/multipart.hpp"
#include "http/multipart_reader.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

using wire::http::MultipartEvent;

wire::http::FormLimits fuzz_limits() {
    wire::http::FormLimits limits;
    limits.max_part_header_bytes = 256;
    limits.max_parts = 50;
    return limits;
}

std::string error_text(std::error_code ec) {
    return "#error" + std::to_string(ec.value());
}

// The oracle: the parser with the whole body; running out of input is unexpected_eof.
std::string parser_transcript(std::string_view boundary, std::string_view body) {
    wire::http::MultipartParser p(boundary, fuzz_limits());
    std::string out;
    while (true) {
        const auto s = p.parse(body);
        out.append(s.data);
        body.remove_prefix(s.consumed);
        switch (s.event) {
            case MultipartEvent::part_begin:
                out += "{" + std::string(p.form_name()) + "|" + std::string(p.file_name()) + "}";
                continue;
            case MultipartEvent::data:
                continue;
            case MultipartEvent::part_end:
                out += "]";
                continue;
            case MultipartEvent::done:
                return out + "#done";
            case MultipartEvent::error:
                return out + error_text(s.error);
            case MultipartEvent::need_more:
                return out + error_text(wire::http::Error::unexpected_eof);
        }
    }
}

struct Rng {
    std::uint32_t x;
    std::size_t below(std::size_t n) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        return 1 + x % n;
    }
};

std::string reader_transcript(std::string_view boundary, std::string_view body, std::uint32_t seed,
                              bool skip) {
    Rng feed{seed}, reads{seed ^ 0x5bd1e995u};
    wire::http::MultipartReader r(
        boundary,
        [&](char* data, std::size_t size) -> wire::net::Result<std::size_t> {
            const std::size_t n = std::min({size, body.size(), feed.below(97)});
            std::memcpy(data, body.data(), n);
            body.remove_prefix(n);
            return n;
        },
        fuzz_limits(), 1);
    std::string out;
    char buf[64];
    while (true) {
        auto part = r.next_part();
        if (!part) return out + error_text(part.error());
        if (*part == nullptr) return out + "#done";
        out +=
            "{" + std::string((*part)->form_name()) + "|" + std::string((*part)->file_name()) + "}";
        if (skip) {
            out += "]";
            continue;
        }
        while (true) {
            std::string_view chunk;
            if (reads.below(4) == 1) {
                auto d = (*part)->read_some();
                if (!d) return out + error_text(d.error());
                chunk = *d;
            } else {
                auto n = (*part)->read(buf, reads.below(sizeof buf));
                if (!n) return out + error_text(n.error());
                chunk = std::string_view(buf, *n);
            }
            check(chunk.size() <= r.buffer_size());
            if (chunk.empty()) break;
            out.append(chunk);
        }
        out += "]";
    }
}

std::string outcome(const std::string& transcript) {
    return transcript.substr(transcript.rfind('#'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) return 0;
    std::string boundary = wire::http::detail::multipart_boundary(input.substr(0, nl));
    if (boundary.empty()) boundary = "b";
    const std::string_view body = input.substr(nl + 1);
    const std::uint32_t seed = 0x9e3779b9u ^ static_cast<std::uint32_t>(size);
    const std::string want = parser_transcript(boundary, body);
    check(reader_transcript(boundary, body, seed, false) == want);
    check(outcome(reader_transcript(boundary, body, seed, true)) == outcome(want));
    return 0;
}
