// Multipart fuzz target: the input is "<content-type>\n<body>".
//   1. multipart_boundary never fails loudly on any Content-Type;
//   2. the parser's transcript of the body (events and data) is the same whether the body comes
//      whole or in pieces whose sizes come from a generator seeded by the input;
//   3. every step consumes no more than it was given, and data views lie inside the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/detail/media_type.hpp"
#include "http/multipart.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

using wire::http::MultipartEvent;

std::string run(std::string_view boundary, std::string_view body, std::uint32_t seed) {
    wire::http::FormLimits limits;
    limits.max_part_header_bytes = 256;
    limits.max_parts = 50;
    wire::http::MultipartParser p(boundary, limits);
    std::string pending, out;
    std::size_t at = 0;
    std::uint32_t x = seed;
    while (true) {
        const auto s = p.parse(pending);
        check(s.consumed <= pending.size());
        if (!s.data.empty()) {
            check(s.data.data() >= pending.data() &&
                  s.data.data() + s.data.size() <= pending.data() + pending.size());
        }
        out.append(s.data);
        pending.erase(0, s.consumed);
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
                return out + "#error" + std::to_string(int(s.error));
            case MultipartEvent::need_more:
                break;
        }
        if (at == body.size()) return out + "#eof";
        std::size_t take = body.size() - at;
        if (seed != 0) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            take = std::min<std::size_t>(take, 1 + x % 17);
        }
        pending.append(body.substr(at, take));
        at += take;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nl = input.find('\n');
    if (nl == std::string_view::npos) {
        (void)wire::http::detail::multipart_boundary(input);
        return 0;
    }
    std::string boundary = wire::http::detail::multipart_boundary(input.substr(0, nl));
    if (boundary.empty()) boundary = "b";
    const std::string_view body = input.substr(nl + 1);
    const std::uint32_t seed = 0x9e3779b9u ^ static_cast<std::uint32_t>(size);
    check(run(boundary, body, 0) == run(boundary, body, seed));
    return 0;
}
