// wire:glue
#include "http/client_response.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "compress/inflater.hpp"

#include "http/detail/client_conn.hpp"
#include "http/detail/conn_pool.hpp"
#include "http/detail/redirect.hpp"
#include "http/error.hpp"
#include "http/version.hpp"

namespace wire::http {

namespace detail {

// A gzip body being decoded as it is read: the coded bytes read so far and not yet inflated.
struct BodyDecoder {
    explicit BodyDecoder(std::uint64_t max_output)
        : inflater({.format = compress::Format::gzip, .max_output = max_output}) {}
    compress::Inflater inflater;
    std::array<std::uint8_t, 16 * 1024> in{};
    std::size_t at = 0, len = 0;
    bool eof = false;   // the coded body has ended
    bool done = false;  // the gzip stream ended and its checksum matched
};

}  // namespace detail

Response::Response() = default;
Response::Response(Response&&) noexcept = default;

Response& Response::operator=(Response&& other) noexcept {
    if (this != &other) {
        close();
        status_code = other.status_code;
        status_text = std::move(other.status_text);
        proto = std::move(other.proto);
        header = std::move(other.header);
        content_length = other.content_length;
        url = std::move(other.url);
        uncompressed = other.uncompressed;
        decoder_ = std::move(other.decoder_);
        conn_ = std::move(other.conn_);
        pool_ = std::move(other.pool_);
        max_idle_per_host_ = other.max_idle_per_host_;
    }
    return *this;
}

Response::~Response() {
    close();
}

net::Result<std::size_t> Response::read(void* data, std::size_t size) {
    return decoder_ ? read_decoded(data, size) : read_raw(data, size);
}

void Response::decode_gzip(std::uint64_t max_output) {
    uncompressed = true;
    header.del("Content-Encoding");
    header.del("Content-Length");
    content_length = -1;
    decoder_ = std::make_unique<detail::BodyDecoder>(max_output);
}

net::Result<std::size_t> Response::read_decoded(void* data, std::size_t size) {
    detail::BodyDecoder& d = *decoder_;
    const std::span<std::uint8_t> out(static_cast<std::uint8_t*>(data), size);
    while (!d.done && size > 0) {
        if (d.at == d.len && !d.eof) {
            auto n = read_raw(d.in.data(), d.in.size());
            if (!n) return n.error();
            d.at = 0;
            d.len = *n;
            d.eof = *n == 0;
        }
        // With the coded body over, a stream that has not ended is Error::truncated: a short
        // body is an error the caller sees, never a silently shorter result.
        const compress::StepResult r = d.inflater.inflate(
            std::span<const std::uint8_t>(d.in.data() + d.at, d.len - d.at), out, d.eof);
        d.at += r.consumed;
        if (r.failed()) {
            conn_.reset();  // the rest of the body is of no use
            // The decoded size is held to the client's body limit as it grows.
            if (r.error == compress::Error::output_limit) return Error::body_too_large;
            return make_error_code(r.error);
        }
        if (r.done()) d.done = true;
        if (r.produced > 0) return r.produced;
    }
    // Bytes after the gzip stream are not part of it; they are read off so that the
    // connection can serve another request.
    char rest[512];
    while (conn_) {
        auto n = read_raw(rest, sizeof rest);
        if (!n) return n.error();
        if (*n == 0) break;
    }
    return std::size_t{0};
}

net::Result<std::size_t> Response::read_raw(void* data, std::size_t size) {
    if (!conn_) return std::size_t{0};
    auto n = conn_->read_body(data, size);
    if (!n) {
        conn_.reset();  // a failed body leaves the connection in an unknown state
        return n.error();
    }
    if (conn_->body_done()) release();
    return n;
}

net::Result<std::string> Response::read_all() {
    std::string out;
    // Content-Length is the server's claim: it sizes a first buffer of up to 1 MiB, and the
    // string grows with the bytes that arrive beyond that. Reserving the claim itself would let
    // a server that announces a terabyte and sends five bytes make us reserve a terabyte (or
    // throw bad_alloc at the caller).
    constexpr std::int64_t trusted = 1024 * 1024;
    if (content_length > 0) {
        out.reserve(static_cast<std::size_t>(std::min(content_length, trusted)));
    }
    char buf[16 * 1024];
    while (true) {
        auto n = read(buf, sizeof buf);
        if (!n) return n.error();
        if (*n == 0) return out;
        out.append(buf, *n);
    }
}

bool Response::body_complete() const noexcept {
    if (decoder_ && !decoder_->done) return false;
    return !conn_ || conn_->body_done();
}

std::vector<Cookie> Response::cookies() const {
    std::vector<Cookie> out;
    for (const std::string_view v : header.values("Set-Cookie")) {
        Cookie c;
        if (parse_set_cookie(v, c)) out.push_back(std::move(c));
    }
    return out;
}

void Response::close() noexcept {
    if (!conn_) return;
    if (conn_->body_done()) {
        release();
    } else {
        conn_.reset();
    }
}

void Response::release() noexcept {
    if (conn_ && pool_ && conn_->reusable()) {
        try {
            pool_->put(std::move(conn_), max_idle_per_host_);
        } catch (...) {
            // Out of memory keeping an idle connection: closing it is just as correct.
        }
    }
    conn_.reset();
}

std::string Response::status() const {
    std::string out = std::to_string(status_code);
    if (!status_text.empty()) out.append(" ").append(status_text);
    return out;
}

bool Response::proto_at_least(int major, int minor) const noexcept {
    int got_major = 0;
    int got_minor = 0;
    if (!parse_http_version(proto, got_major, got_minor)) return false;
    return got_major > major || (got_major == major && got_minor >= minor);
}

net::Result<std::string> Response::location() const {
    const std::string_view field = header.get("Location");
    // Go's ErrNoLocation: nothing to resolve.
    if (field.empty()) return Error::bad_location;
    auto resolved = detail::resolve_reference(url, field);
    if (!resolved) return Error::bad_location;
    return std::move(*resolved);
}

}  // namespace wire::http
