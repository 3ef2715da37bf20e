// wire:glue
#include "http/detail/client_conn.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>

#include "http/error.hpp"

namespace wire::http::detail {
namespace {

constexpr std::size_t kInitialBuffer = 16 * 1024;

}  // namespace

ClientConn::ClientConn(net::Conn conn, std::string key, const ParseOptions& options)
    : conn_(std::move(conn)),
      key_(std::move(key)),
      options_(options),
      fields_(options.limits.max_fields),
      parser_(HeadParser::Kind::response, fields_, options),
      body_(options),
      buf_(kInitialBuffer) {}

net::Result<void> ClientConn::write_request(std::string_view head, std::string_view body) {
    received_any_ = false;  // counts for this exchange only
    const iovec iov[2] = {{const_cast<char*>(head.data()), head.size()},
                          {const_cast<char*>(body.data()), body.size()}};
    auto n = conn_.writev(std::span<const iovec>(iov, body.empty() ? 1 : 2));
    if (!n) return n.error();
    return {};
}

// Frees space at the end of the buffer: moves the unread bytes to the front, or grows the
// buffer up to `max_size`. Moving invalidates views, so the caller resets what held them.
std::error_code ClientConn::make_room(std::size_t max_size) {
    if (start_ > 0) {
        std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
        if (end_ < buf_.size()) return {};
    }
    if (buf_.size() >= max_size) return Error::head_too_large;
    buf_.resize(std::min(max_size, buf_.size() * 2));
    return {};
}

net::Result<std::size_t> ClientConn::fill() {
    auto n = conn_.read(buf_.data() + end_, buf_.size() - end_);
    if (!n) return n.error();
    if (*n == 0) closed_by_peer_ = true;
    if (*n > 0) received_any_ = true;
    end_ += *n;
    return *n;
}

net::Result<void> ClientConn::read_head(bool to_head) {
    pending_ = {};
    if (start_ > 0 && start_ == end_) start_ = end_ = 0;
    parser_.reset();
    parser_.set_response_to_head(to_head);
    while (true) {
        const ParseResult r = parser_.parse(buffered());
        if (r.failed()) return r.error;
        if (r.done()) {
            start_ += r.consumed;
            const int status = parser_.head().status;
            // RFC 9110 §15.2: 1xx responses are interim; the final one follows (101 is final
            // for this exchange: the connection now speaks another protocol).
            if (status >= 100 && status < 200 && status != 101) {
                parser_.reset();
                parser_.set_response_to_head(to_head);
                continue;
            }
            body_.start(parser_.head());
            return {};
        }
        if (end_ == buf_.size()) {
            // Why: the head must fit Limits::max_head_bytes; moving bytes means reparsing.
            if (auto ec = make_room(options_.limits.max_head_bytes + 1)) return ec;
            parser_.reset();
            parser_.set_response_to_head(to_head);
        }
        auto n = fill();
        if (!n) return n.error();
        if (*n == 0) {
            // RFC 9112 §9.3.1 (retrying requests): a close before any byte of the response
            // is what a server does to an idle connection it has given up on.
            return received_any_ ? Error::unexpected_eof : Error::server_closed_idle;
        }
    }
}

net::Result<std::size_t> ClientConn::read_body(void* data, std::size_t size) {
    while (pending_.empty()) {
        if (body_.done()) return std::size_t{0};
        if (start_ < end_) {
            const BodyResult r = body_.read(buffered());
            if (r.failed()) return r.error;
            start_ += r.consumed;
            pending_ = r.data;
            if (!pending_.empty() || r.done()) continue;
        }
        if (closed_by_peer_) {
            const BodyResult r = body_.finish();
            if (r.failed()) return r.error;
            continue;
        }
        if (end_ == buf_.size() || start_ == end_) {
            if (start_ == end_) start_ = end_ = 0;
            if (end_ == buf_.size()) {
                // Chunk framing bigger than the buffer: grow (bounded by the chunk limits).
                if (auto ec = make_room(buf_.size() + options_.limits.max_trailer_bytes)) return ec;
            }
        }
        auto n = fill();
        if (!n) return n.error();
    }
    const std::size_t n = std::min(size, pending_.size());
    std::memcpy(data, pending_.data(), n);
    pending_.remove_prefix(n);
    return n;
}

bool ClientConn::reusable() const noexcept {
    return body_done() && parser_.head().keep_alive && !closed_by_peer_ && start_ == end_ &&
           parser_.head().status != 101;
}

}  // namespace wire::http::detail
