// Fuzzes HeadParser (response) and BodyReader, including close-delimited bodies and the
// HEAD-response rule (chosen by the first byte).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/body_reader.hpp"
#include "http/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::http;
    if (size == 0) return 0;
    const bool to_head = (data[0] & 1) != 0;
    const bool lenient = (data[0] & 2) != 0;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::array<Field, 32> fields{};
    ParseOptions options;
    options.limits.max_head_bytes = 4096;
    options.lenient.bare_lf = lenient;
    HeadParser parser(HeadParser::Kind::response, fields, options);
    parser.set_response_to_head(to_head);
    const ParseResult r = parser.parse(rest);
    if (!r.done()) return 0;
    if (r.consumed > rest.size()) std::abort();
    const MessageHead& h = parser.head();
    if (h.status < 100 || h.status > 999) std::abort();
    if (to_head && h.framing != Framing::none) std::abort();
    rest.remove_prefix(r.consumed);
    BodyReader body(options);
    body.start(h);
    std::uint64_t total = 0;
    while (!body.done() && !rest.empty()) {
        const BodyResult b = body.read(rest);
        if (b.failed()) return 0;
        if (b.consumed > rest.size()) std::abort();
        total += b.data.size();
        rest.remove_prefix(b.consumed);
    }
    if (h.framing == Framing::content_length && body.done() && total != h.content_length)
        std::abort();
    (void)body.finish();
    return 0;
}
