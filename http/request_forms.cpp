// wire:glue
// Request's lazily parsed parts: the forms (Go's ParseForm and ParseMultipartForm), the URL
// and its query, cookies and basic auth. Kept apart from request.cpp, which the server runs for
// every request: nothing here runs unless a handler asks.
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/base64.hpp"
#include "http/detail/chars.hpp"
#include "http/detail/media_type.hpp"
#include "http/error.hpp"
#include "http/form.hpp"
#include "http/multipart_form.hpp"
#include "http/multipart_reader.hpp"
#include "http/percent.hpp"
#include "http/request.hpp"

namespace wire::http {
namespace detail {

// What the form calls parsed. Kept across the requests of one thread (Request is reused), so
// clear() keeps the vectors' capacity and only drops the temporary files.
struct RequestForms {
    Values form;
    Values post_form;
    MultipartForm multipart;
    std::unique_ptr<MultipartReader> reader;  // multipart_reader()'s
    std::error_code form_error;               // parse_form()'s
    std::error_code multipart_error;          // reading the multipart body (not parse_form()'s)
    bool form_parsed = false;
    bool multipart_parsed = false;
    bool used = false;  // something above was set since the last clear()
    // Request::url()'s, and the views it was built from.
    Url url;
    std::string_view url_path, url_query;
    bool url_built = false;

    void clear() noexcept {
        if (!used) return;
        form.clear();
        post_form.clear();
        multipart.remove_all();
        multipart.values.clear();
        multipart.files.clear();
        reader.reset();
        form_error = multipart_error = {};
        form_parsed = multipart_parsed = used = url_built = false;
    }
};

}  // namespace detail

namespace {

constexpr std::size_t kReadChunk = 32 * 1024;

// Go's multipartReader: the boundary of a multipart body, or why it has none. `allow_mixed`:
// multipart/mixed too (RFC 2046 §5.1.3), which Go's Request.MultipartReader accepts.
net::Result<std::string> boundary_of(std::string_view content_type, bool allow_mixed) {
    detail::MediaType mt;
    if (!detail::parse_media_type(content_type, mt) ||
        (mt.type != "multipart/form-data" && (!allow_mixed || mt.type != "multipart/mixed"))) {
        return Error::not_multipart;
    }
    std::string boundary = detail::multipart_boundary(content_type);
    // RFC 2046 §5.1.1: the boundary parameter is required; without it no delimiter is known.
    if (boundary.empty()) return Error::missing_boundary;
    return boundary;
}

// RFC 9110 §9.3.3 leaves the meaning of a body to its media type; like Go, a form body is read
// only for the methods defined to carry one.
bool has_form_body(std::string_view method) {
    return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

Request::Request() = default;
Request::~Request() = default;

detail::RequestForms& Request::forms() {
    if (!forms_) forms_ = std::make_unique<detail::RequestForms>();
    forms_->used = true;
    return *forms_;
}

void Request::clear_forms() noexcept {
    forms_->clear();
}

void Request::remove_form_files() noexcept {
    forms_->multipart.remove_all();
}

Values Request::query() const {
    Values v;
    (void)parse_query(raw_query, v);  // Go's URL.Query also drops malformed pairs silently
    return v;
}

namespace {

bool same_view(std::string_view a, std::string_view b) noexcept {
    return a.data() == b.data() && a.size() == b.size();
}

}  // namespace

const Url& Request::url() {
    detail::RequestForms& f = forms();
    if (f.url_built && same_view(f.url_path, path) && same_view(f.url_query, raw_query)) {
        return f.url;
    }
    Url& u = f.url;
    // Scheme, host and user come from the target; path and query from the fields, which a
    // middleware may have changed since the head was parsed.
    if (!target.empty() && target[0] == '/') {
        u = Url{};
    } else if (parse_request_uri(method, target, u)) {
        u = Url{};  // why: a leniency let the target through; keep what the fields say
    }
    if (target == "*" || method == method::connect) {
        // RFC 9112 §3.2.3-4: authority- and asterisk-form name no path to decode.
    } else {
        u.raw_path.assign(path);
        u.path.clear();
        // A path that does not decode stays as sent (the parser's leniencies only).
        if (percent_decode(path, u.path)) u.path.assign(path);
    }
    u.raw_query.assign(raw_query);
    u.force_query = raw_query.empty() && target.find('?') != std::string_view::npos;
    f.url_path = path;
    f.url_query = raw_query;
    f.url_built = true;
    return u;
}

std::error_code Request::parse_form(const FormLimits& limits) {
    detail::RequestForms& f = forms();
    if (f.form_parsed) return f.form_error;
    f.form_parsed = true;
    std::error_code first;
    if (has_form_body(method) && is_form_urlencoded(header.get("Content-Type"))) {
        std::string body;
        char buf[kReadChunk];
        while (!first) {
            auto n = body_.read(buf, sizeof buf);
            if (!n) {
                first = n.error();
            } else if (*n == 0) {
                break;
            } else if (body.size() + *n > limits.max_form_bytes) {
                // why: the whole body is held in memory; stop reading once it is too large.
                first = Error::form_too_large;
            } else {
                body.append(buf, *n);
            }
        }
        if (!first) first = parse_urlencoded_form(body, f.post_form, limits);
        for (const auto& [k, v] : f.post_form)
            f.form.add(k, v);
    }
    const std::error_code query_error = parse_query(raw_query, f.form);
    f.form_error = first ? first : query_error;
    return f.form_error;
}

std::error_code Request::parse_multipart_form(std::uint64_t max_memory, const FormLimits& limits) {
    const std::error_code form_ec = parse_form(limits);
    detail::RequestForms& f = forms();
    if (f.multipart_parsed) return f.multipart_error ? f.multipart_error : form_ec;
    f.multipart_parsed = true;
    // Go: "http: multipart handled by MultipartReader".
    if (f.reader) return f.multipart_error = Error::multipart_body_taken;
    const auto boundary = boundary_of(header.get("Content-Type"), false);
    if (!boundary) return f.multipart_error = boundary.error();
    // The reader owns the files while it works: on an error they are removed with it.
    MultipartFormReader reader(*boundary, max_memory, limits);
    std::string buf(kReadChunk, '\0');
    for (;;) {
        auto n = body_.read(buf.data(), buf.size());
        if (!n) return f.multipart_error = n.error();
        if (*n == 0) break;
        if (auto ec = reader.write(std::string_view(buf.data(), *n))) {
            return f.multipart_error = ec;
        }
    }
    if (auto ec = reader.finish()) return f.multipart_error = ec;
    f.multipart = std::move(reader.form());
    for (const auto& [k, v] : f.multipart.values) {
        f.form.add(k, v);
        f.post_form.add(k, v);
    }
    return form_ec;
}

net::Result<MultipartReader*> Request::multipart_reader(const FormLimits& limits) {
    detail::RequestForms& f = forms();
    // Go: "http: MultipartReader called twice" and "multipart handled by ParseMultipartForm".
    if (f.reader || f.multipart_parsed) return Error::multipart_body_taken;
    const auto boundary = boundary_of(header.get("Content-Type"), true);
    if (!boundary) return boundary.error();
    auto source = [this](char* data, std::size_t size) { return body_.read(data, size); };
    f.reader = std::make_unique<MultipartReader>(*boundary, source, limits);
    return f.reader.get();
}

const Values& Request::form() {
    if (!forms_ || !forms_->multipart_parsed) (void)parse_multipart_form(default_max_memory);
    return forms_->form;
}

const Values& Request::post_form() {
    if (!forms_ || !forms_->multipart_parsed) (void)parse_multipart_form(default_max_memory);
    return forms_->post_form;
}

std::error_code Request::form_error() const noexcept {
    if (!forms_) return {};
    if (forms_->form_error) return forms_->form_error;
    if (forms_->multipart_error == Error::not_multipart) return {};
    return forms_->multipart_error;
}

const MultipartForm* Request::multipart_form() const noexcept {
    if (!forms_ || !forms_->multipart_parsed || forms_->multipart_error) return nullptr;
    return &forms_->multipart;
}

net::Result<const FormFile*> Request::form_file(std::string_view key) {
    if (!forms_ || !forms_->multipart_parsed) (void)parse_multipart_form(default_max_memory);
    if (forms_->multipart_error) return forms_->multipart_error;
    const FormFile* file = forms_->multipart.file(key);
    if (file == nullptr) return Error::missing_file;
    return file;
}

std::vector<Cookie> Request::cookies() const {
    std::vector<Cookie> all;
    for (const std::string_view v : header.values("Cookie")) {
        for (Cookie& c : parse_cookie_header(v))
            all.push_back(std::move(c));
    }
    return all;
}

std::optional<Cookie> Request::cookie(std::string_view name) const {
    // why: an empty name would make parse_cookie_header return every cookie.
    if (name.empty()) return std::nullopt;
    for (const std::string_view v : header.values("Cookie")) {
        auto found = parse_cookie_header(v, name);
        if (!found.empty()) return std::move(found.front());
    }
    return std::nullopt;
}

//   Authorization = auth-scheme [ 1*SP ( token68 / #auth-param ) ]   (RFC 9110 §11.6.2)
//   credentials   = "Basic" 1*SP token68, token68 the Base64 of user-id ":" password (RFC 7617 §2)
std::optional<BasicAuth> Request::basic_auth() const {
    std::string_view v = header.get("Authorization");
    constexpr std::string_view scheme = "basic ";
    // RFC 9110 §11.1: the auth-scheme is case-insensitive.
    if (v.size() < scheme.size() || !detail::iequals(v.substr(0, scheme.size()), scheme)) {
        return std::nullopt;
    }
    v.remove_prefix(scheme.size());
    while (!v.empty() && v.front() == ' ')
        v.remove_prefix(1);
    std::string decoded(crypto::base64::decoded_size(v.size()), '\0');
    const auto r = crypto::base64::decode(
        v, std::span(reinterpret_cast<std::uint8_t*>(decoded.data()), decoded.size()));
    if (r.error) return std::nullopt;
    decoded.resize(r.written);
    // RFC 7617 §2: the user-id cannot contain a colon, so the first one splits.
    const std::size_t colon = decoded.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return BasicAuth{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

}  // namespace wire::http
