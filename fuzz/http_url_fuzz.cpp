// Fuzzes the URL layer: parse_url / parse_request_target never read outside the input,
// an owning Url reads back from its string(), percent encoding round-trips, clean_path is
// idempotent, parse_query never fails hard.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/clean_path.hpp"
#include "http/percent.hpp"
#include "http/url.hpp"
#include "http/values.hpp"

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
    UrlView u;
    if (!parse_url(in, u)) {
        for (std::string_view part :
             {u.scheme, u.userinfo, u.host, u.port, u.path, u.query, u.fragment}) {
            check_inside(part, in);
        }
    }
    Url owned;
    if (!parse_url(in, owned)) {
        Url back;
        if (parse_url(owned.string(), back) || back.scheme != owned.scheme ||
            back.user != owned.user || back.host != owned.host || back.path != owned.path ||
            back.raw_query != owned.raw_query || back.fragment != owned.fragment) {
            std::abort();
        }
    }
    (void)parse_request_uri("GET", in, owned);
    RequestTarget t;
    (void)parse_request_target("GET", in, t);
    (void)parse_request_target("CONNECT", in, t);
    for (Escape mode : {Escape::path, Escape::path_segment, Escape::query}) {
        std::string back;
        if (percent_decode(percent_encode(in, mode), back, mode) || back != in) std::abort();
    }
    const std::string once = clean_path(in);
    if (clean_path(once) != once) std::abort();
    if (once.empty()) std::abort();
    Values v;
    (void)parse_query(in, v);
    Values again;
    if (parse_query(v.encode(), again) || again.size() != v.size()) std::abort();
    return 0;
}
