// Fuzzes HeadParser (request) and BodyReader on arbitrary bytes: no crash, no over-read (ASan),
// and every view the parser hands out lies inside the input.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/body_reader.hpp"
#include "http/parser.hpp"

namespace {

void check_inside(std::string_view inner, std::string_view outer) {
    if (inner.empty()) return;
    if (inner.data() < outer.data() || inner.data() + inner.size() > outer.data() + outer.size()) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::http;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::array<Field, 32> fields{};
    ParseOptions options;
    options.limits.max_head_bytes = 4096;
    options.limits.max_body = 1 << 20;
    // Pipelined messages: parse as many as the input holds.
    std::string_view rest = in;
    for (int i = 0; i < 64 && !rest.empty(); ++i) {
        HeadParser parser(HeadParser::Kind::request, fields, options);
        const ParseResult r = parser.parse(rest);
        if (!r.done()) break;
        if (r.consumed == 0 || r.consumed > rest.size()) std::abort();
        const MessageHead& h = parser.head();
        check_inside(h.method, rest);
        check_inside(h.target, rest);
        for (const Field& f : h.fields) {
            check_inside(f.name, rest);
            check_inside(f.value, rest);
        }
        rest.remove_prefix(r.consumed);
        BodyReader body(options);
        body.start(h);
        while (!body.done() && !rest.empty()) {
            const BodyResult b = body.read(rest);
            if (b.failed()) return 0;
            check_inside(b.data, rest);
            if (b.consumed > rest.size()) std::abort();
            rest.remove_prefix(b.consumed);
        }
        if (!body.done()) break;
    }
    return 0;
}
