// wire:glue
#include "http/request_forms.hpp"

#include <string>

#include "http/detail/media_type.hpp"
#include "http/error.hpp"
#include "http/form.hpp"

namespace wire::http {
namespace {

constexpr std::size_t kReadChunk = 32 * 1024;

bool has_form_body(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::error_code parse_form(Request& r, ParsedForm& out, const FormLimits& limits) {
    std::error_code first;
    if (has_form_body(r.method) && is_form_urlencoded(r.header.get("Content-Type"))) {
        std::string body;
        char buf[kReadChunk];
        while (true) {
            auto n = r.body().read(buf, sizeof buf);
            if (!n) return n.error();
            if (*n == 0) break;
            // Why: the whole body is held in memory; stop reading once it is too large.
            if (body.size() + *n > limits.max_form_bytes) return Error::form_too_large;
            body.append(buf, *n);
        }
        first = parse_urlencoded_form(body, out.post_form, limits);
        for (const auto& [k, v] : out.post_form)
            out.form.add(k, v);
    }
    const std::error_code query = parse_query(r.raw_query, out.form);
    return first ? first : query;
}

std::error_code parse_multipart_form(Request& r, std::uint64_t max_memory, MultipartForm& out,
                                     const FormLimits& limits) {
    const std::string_view ct = r.header.get("Content-Type");
    detail::MediaType mt;
    if (!detail::parse_media_type(ct, mt) || mt.type != "multipart/form-data") {
        return Error::not_multipart;
    }
    const std::string boundary = detail::multipart_boundary(ct);
    if (boundary.empty()) return Error::not_multipart;
    MultipartFormReader reader(boundary, max_memory, limits);
    std::string buf(kReadChunk, '\0');
    while (true) {
        auto n = r.body().read(buf.data(), buf.size());
        if (!n) return n.error();
        if (*n == 0) break;
        if (auto ec = reader.write(std::string_view(buf.data(), *n))) return ec;
    }
    if (auto ec = reader.finish()) return ec;
    out = std::move(reader.form());
    return {};
}

std::vector<Cookie> cookies(const Request& r) {
    std::vector<Cookie> all;
    for (const std::string_view v : r.header.values("Cookie")) {
        for (Cookie& c : parse_cookie_header(v))
            all.push_back(std::move(c));
    }
    return all;
}

std::optional<Cookie> cookie(const Request& r, std::string_view name) {
    for (const std::string_view v : r.header.values("Cookie")) {
        auto found = parse_cookie_header(v, name);
        if (!found.empty()) return std::move(found.front());
    }
    return std::nullopt;
}

void set_cookie(ResponseWriter& w, const Cookie& c) {
    const std::string v = format_set_cookie(c);
    if (!v.empty()) w.header().add("Set-Cookie", v);
}

}  // namespace wire::http
