// wire:glue
#include "http/client_response.hpp"

#include <algorithm>

#include "http/detail/client_conn.hpp"
#include "http/detail/conn_pool.hpp"
#include "http/detail/redirect.hpp"
#include "http/error.hpp"
#include "http/version.hpp"

namespace wire::http {

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
