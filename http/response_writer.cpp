// wire:glue
#include "http/response_writer.hpp"

#include <string>

#include "http/cookie.hpp"

namespace wire::http {

void set_cookie(ResponseWriter& w, const Cookie& c) {
    const std::string v = format_set_cookie(c);
    if (!v.empty()) w.header().add("Set-Cookie", v);
}

}  // namespace wire::http
