// Accept-Encoding fuzz target: parse any bytes as one field line, then check what the chooser
// promises: weights stay within 0..1000 or not_named, the choice is a coding the server offered,
// and a refused identity is reported only when identity is the answer.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/accept_encoding.hpp"

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

bool weight_ok(int w) {
    return w == wire::http::AcceptEncoding::not_named || (w >= 0 && w <= 1000);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::http;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    AcceptEncoding a;
    parse_accept_encoding(in, a);
    check(a.present);
    check(weight_ok(a.gzip) && weight_ok(a.deflate) && weight_ok(a.identity) && weight_ok(a.any));
    for (int offers = 0; offers < 4; ++offers) {
        const bool gzip = (offers & 1) != 0, deflate = (offers & 2) != 0;
        const CodingChoice c = choose_coding(a, gzip, deflate);
        if (c.coding == ContentCoding::gzip) check(gzip && a.weight(ContentCoding::gzip) > 0);
        if (c.coding == ContentCoding::deflate)
            check(deflate && a.weight(ContentCoding::deflate) > 0);
        if (c.identity_refused) check(c.coding == ContentCoding::identity);
    }
    return 0;
}
