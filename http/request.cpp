// wire:glue
#include "http/request.hpp"

#include <algorithm>
#include <cstring>

#include "http/detail/scan.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace wire::http {

void Body::start(const MessageHead& head, const ParseOptions& options, detail::BodySource* source) {
    // why: a server passes the same options for every request; copying them costs more than
    // the rest of this function.
    if (options_ != &options) {
        reader_ = BodyReader(options);
        options_ = &options;
    }
    reader_.start(head);
    source_ = source;
    decoder_ = nullptr;
    limit_ = UINT64_MAX;
    first_read_ = true;
}

std::uint64_t Body::max_body() const noexcept {
    return options_ != nullptr ? options_->limits.max_body : UINT64_MAX;
}

net::Result<std::size_t> Body::read(void* data, std::size_t size) {
    if (decoder_ != nullptr) return decoder_->read(*this, data, size);
    return read_framed(data, size);
}

net::Result<std::size_t> Body::read_framed(void* data, std::size_t size) {
    if (reader_.done() || size == 0) return std::size_t{0};
    if (source_ == nullptr) return net::Error::unexpected_eof;
    if (first_read_) {
        first_read_ = false;
        source_->on_first_read();  // RFC 9110 §10.1.1: 100 Continue only now
    }
    // why: Go's MaxBytesReader fails the read that would cross the limit.
    if (reader_.bytes_read() >= limit_) return ServerError::body_too_large;
    const std::uint64_t allowed = limit_ - reader_.bytes_read();
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, allowed));
    auto* out = static_cast<char*>(data);
    std::size_t got = 0;
    while (got == 0 && !reader_.done()) {
        std::string_view raw = source_->available();
        if (raw.empty()) {
            if (std::error_code ec = source_->fill()) return ec;
            continue;
        }
        // A framed input no longer than the room left keeps the decoded data within it.
        const BodyResult r = reader_.read(raw.substr(0, want - got));
        if (r.failed()) return r.error;
        if (!r.data.empty()) std::memcpy(out + got, r.data.data(), r.data.size());
        got += r.data.size();
        source_->consume(r.consumed);
    }
    return got;
}

net::Result<void> Body::read_all(std::string& out) {
    char chunk[8192];
    for (;;) {
        auto n = read(chunk, sizeof chunk);
        if (!n) return n.error();
        if (*n == 0) return {};
        out.append(chunk, *n);
    }
}

net::Result<void> Body::discard() {
    char chunk[8192];
    limit_ = UINT64_MAX;
    decoder_ = nullptr;  // what is dropped need not be decoded
    for (;;) {
        auto n = read_framed(chunk, sizeof chunk);
        if (!n) return n.error();
        if (*n == 0) return {};
    }
}

namespace {

// The path and query of an origin-form target (RFC 9112 §3.2.1); an absolute-form target
// ("http://host/p?q", §3.2.2) yields its path and query too. Fragments are never sent.
void split_target(std::string_view target, std::string_view& path, std::string_view& query) {
    std::string_view rest = target;
    if (!rest.empty() && rest[0] != '/' && rest != "*") {
        const std::size_t scheme = rest.find("://");
        if (scheme != std::string_view::npos) {
            rest.remove_prefix(scheme + 3);
            const std::size_t slash = rest.find_first_of("/?");
            rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
        }
    }
    const std::size_t q = detail::find_byte(rest, '?');
    path = rest.substr(0, q);
    query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
    if (path.empty() && q != std::string_view::npos) path = "/";
}

}  // namespace

void Request::reset(const MessageHead& head, const ParseOptions& options,
                    detail::BodySource* source) {
    method = head.method;
    target = head.target;
    split_target(target, path, raw_query);
    proto_major = 1;
    proto_minor = head.version_minor;
    header = head.fields;
    host = head.host;
    switch (head.framing) {
        case Framing::content_length:
            content_length = static_cast<std::int64_t>(head.content_length);
            break;
        case Framing::none:
            content_length = 0;
            break;
        default:
            content_length = -1;
    }
    close = !head.keep_alive;
    expect_continue = head.expect_continue;
    pattern = {};
    set_values_.clear();
    if (forms_) clear_forms();
    body_.start(head, options, source);
}

std::string_view Request::path_value(std::string_view name) const noexcept {
    for (const auto& [key, value] : set_values_) {
        if (key == name) return value;
    }
    if (pattern.empty()) return {};
    return match_.path_value(name);
}

void Request::set_path_value(std::string_view name, std::string_view value) {
    for (auto& [key, existing] : set_values_) {
        if (key == name) {
            existing.assign(value);
            return;
        }
    }
    set_values_.emplace_back(std::string(name), std::string(value));
}

}  // namespace wire::http
