// wire:glue
#include "http/detail/response_impl.hpp"

#include <charconv>
#include <ctime>
#include <stdexcept>

#include "http/content_type.hpp"
#include "http/detail/chars.hpp"
#include "http/detail/server_conn.hpp"
#include "http/detail/server_core.hpp"
#include "http/request.hpp"
#include "http/server_error.hpp"
#include "http/status.hpp"

namespace wire::http::detail {
namespace {

// status-line = HTTP-version SP status-code SP reason-phrase CRLF (RFC 9112 §4); the reason
// comes from the registry (status_text), which holds no CR or LF.
void status_line(Serializer& out, int status) {
    // Why: nearly every response is a 200, and its line is then one constant-sized copy.
    if (status == 200) {
        out.append("HTTP/1.1 200 OK\r\n");
        return;
    }
    const std::string_view reason = status_text(status);
    char* p = out.begin_write(16 + reason.size());
    // RFC 9110 §6.2: we answer with the highest version we conform to, even to HTTP/1.0.
    p = put(p, "HTTP/1.1 ");
    *p++ = static_cast<char>('0' + status / 100);
    *p++ = static_cast<char>('0' + status / 10 % 10);
    *p++ = static_cast<char>('0' + status % 10);
    *p++ = ' ';
    p = put(p, reason);
    p = put(p, "\r\n");
    out.end_write(p);
}

// What the handler's own fields already say, found in one pass over them (none, usually).
struct HandlerFields {
    bool date = false;
    bool content_type = false;
    bool connection_close = false;

    explicit HandlerFields(const Header& h) {
        for (std::size_t i = 0; i < h.size(); ++i) {
            const Field f = h[i];
            if (iequals(f.name, "Date")) {
                date = true;
            } else if (iequals(f.name, "Content-Type")) {
                content_type = true;
            } else if (iequals(f.name, "Connection") && list_has_token(f.value, "close")) {
                connection_close = true;
            }
        }
    }
};

}  // namespace

void ResponseImpl::begin(ServerConn* conn, Exchange& ex, const Request& r, bool must_close) {
    conn_ = conn;
    ex_ = &ex;
    out_ = &ex.out;
    header_.clear();
    scratch_.clear();
    buffered_.clear();
    written_ = 0;
    declared_ = -1;
    buffer_limit_ = ex.core.config().response_buffer;
    upgrade_ = nullptr;
    status_ = 0;
    version_minor_ = r.proto_minor;
    committed_ = false;
    chunked_ = false;
    head_ = r.method == "HEAD";
    close_ = must_close;
    hijacked_ = false;
}

bool ResponseImpl::body_allowed() const noexcept {
    return status_allows_body(status_);
}

void ResponseImpl::write_header(int status) {
    // Go panics on an invalid code: it is a bug in the handler, not a network condition.
    if (status < 100 || status > 999) invalid_status(status);
    if (hijacked_ || status_ != 0) return;  // superfluous: the first call wins
    if (is_informational(status) && status != 101) {
        write_interim(status);
        return;
    }
    status_ = status;
    if (!header_.empty()) adopt_content_length();  // usually empty: nothing to look up
}

// The rare paths of write_header, kept out of it so that the usual call stays small.
void ResponseImpl::invalid_status(int status) {
    throw std::invalid_argument("ResponseWriter::write_header: invalid status code " +
                                std::to_string(status));
}

void ResponseImpl::write_interim(int status) {
    // RFC 9110 §15.2: interim responses go out at once, and never to an HTTP/1.0 client.
    if (version_minor_ == 0) return;
    const std::size_t head_at = out_->size();
    out_->status_line(status, {}, 1);
    out_->fields(header_);
    out_->end_head();
    if (ex_->core.tracing()) ex_->core.trace(out_->data().substr(head_at), Direction::sent);
}

void ResponseImpl::adopt_content_length() {
    const std::string_view length = header_.get("Content-Length");
    if (!length.empty()) {
        std::uint64_t n = 0;
        const auto r = std::from_chars(length.data(), length.data() + length.size(), n);
        // why: a malformed length cannot frame the body; drop it and let us frame it.
        if (r.ec == std::errc{} && r.ptr == length.data() + length.size()) {
            declared_ = static_cast<std::int64_t>(n);
        } else {
            header_.del("Content-Length");
        }
    }
}

net::Result<std::size_t> ResponseImpl::write(std::string_view data) {
    if (hijacked_) return ServerError::hijacked;
    if (status_ == 0) write_header(200);  // the implicit 200
    if (!body_allowed()) return ServerError::body_not_allowed;
    if (declared_ >= 0 && written_ + data.size() > static_cast<std::uint64_t>(declared_)) {
        return ServerError::content_length_mismatch;
    }
    written_ += data.size();
    if (!committed_) {
        if (buffered_.size() + data.size() <= buffer_limit_) {
            buffered_.append(data);
            return data.size();
        }
        // The output outgrew the buffer: the length is unknown, the head goes out now.
        commit(false);
        emit(buffered_);
        buffered_.clear();
    }
    emit(data);
    return data.size();
}

net::Result<void> ResponseImpl::flush() {
    if (hijacked_) return ServerError::hijacked;
    if (status_ == 0) write_header(200);
    if (!committed_) {
        commit(false);
        emit(buffered_);
        buffered_.clear();
    }
    return conn_->send_now(*out_);
}

net::Result<Hijacked> ResponseImpl::hijack() {
    if (hijacked_ || committed_ || upgrade_) return ServerError::already_hijacked;
    auto h = conn_->hijack(*ex_);
    if (h) hijacked_ = true;
    return h;
}

net::Result<void> ResponseImpl::upgrade_on_loop(UpgradeCallback take) {
    if (hijacked_ || upgrade_) return ServerError::already_hijacked;
    if (!conn_->on_loop_thread()) return ServerError::not_supported;
    upgrade_ = std::move(take);
    return {};
}

bool ResponseImpl::write_continue() {
    if (committed_ || status_ != 0 || version_minor_ == 0) return false;
    constexpr std::string_view head = "HTTP/1.1 100 Continue\r\n\r\n";
    out_->append(head);
    if (ex_->core.tracing()) ex_->core.trace(head, Direction::sent);
    return true;
}

void ResponseImpl::emit(std::string_view data) {
    // RFC 9110 §9.3.2: a response to HEAD has no content; the writes were only counted.
    if (head_ || data.empty()) return;
    if (chunked_) {
        out_->chunk_header(data.size());
        out_->append(data);
        out_->chunk_end();
    } else {
        out_->append(data);
    }
}

void ResponseImpl::commit(bool length_known) {
    committed_ = true;
    const std::size_t head_at = out_->size();
    const HandlerFields given(header_);
    status_line(*out_, status_);
    if (!header_.empty()) out_->fields(header_);

    // Then the fields the server adds, decided first and written in one go.
    const bool allowed = body_allowed();
    // Go sniffs the first 512 bytes when the handler named no type (WHATWG MIME sniffing).
    const std::string_view sniffed =
        allowed && written_ > 0 && !given.content_type ? ex_->sniff(buffered_) : std::string_view();
    bool send_length = false;
    if (allowed && declared_ < 0) {
        if (length_known) {
            // A HEAD the handler wrote nothing for says nothing about the length (as Go).
            send_length = !head_ || written_ > 0;
        } else if (head_) {
            // Neither a length nor chunked framing: a HEAD response has no body to frame.
        } else if (version_minor_ >= 1) {
            chunked_ = true;  // RFC 9112 §7.1
        } else {
            close_ = true;  // RFC 9112 §6.3 rule 8: HTTP/1.0 reads until the close
        }
    }
    if (given.connection_close || ex_->core.shutting_down()) close_ = true;

    char* p = out_->begin_write(192 + sniffed.size());
    // RFC 9110 §6.6.1: an origin server with a clock sends Date.
    if (!given.date) {
        p = put(p, "Date: ");
        p = put(p, ex_->date.get(std::time(nullptr)));
        p = put(p, "\r\n");
    }
    if (!sniffed.empty()) {
        p = put(p, "Content-Type: ");
        p = put(p, sniffed);
        p = put(p, "\r\n");
    }
    if (send_length) {
        p = put(p, "Content-Length: ");
        p = std::to_chars(p, p + 20, written_).ptr;
        p = put(p, "\r\n");
    }
    if (chunked_) p = put(p, "Transfer-Encoding: chunked\r\n");
    if (close_) {
        if (!given.connection_close) p = put(p, "Connection: close\r\n");
    } else if (version_minor_ == 0) {
        // RFC 9112 §9.3: an HTTP/1.0 client keeps the connection only if told so.
        p = put(p, "Connection: keep-alive\r\n");
    }
    p = put(p, "\r\n");  // the end of the head
    out_->end_write(p);
    if (ex_->core.tracing()) [[unlikely]]
        ex_->core.trace(out_->data().substr(head_at), Direction::sent);
}

void ResponseImpl::finish() {
    if (hijacked_) return;
    if (status_ == 0) write_header(200);
    if (!committed_) {
        commit(true);
        emit(buffered_);
        buffered_.clear();
    } else if (chunked_) {
        out_->last_chunk();
    }
    // why: a body shorter than its declared length leaves the client waiting for the rest.
    const bool short_body = declared_ >= 0 && !head_ && body_allowed() &&
                            written_ < static_cast<std::uint64_t>(declared_);
    // After a 101 the bytes are another protocol's; without a taker they cannot be served.
    if (short_body || (status_ == 101 && !upgrade_)) close_ = true;
}

void ResponseImpl::fail() {
    close_ = true;
    if (committed_ || hijacked_) return;  // a truncated response; the close tells the client
    header_.clear();
    buffered_.clear();
    written_ = 0;
    declared_ = -1;
    status_ = 0;
    upgrade_ = nullptr;
    header_.set("Content-Type", "text/plain; charset=utf-8");
    header_.set("X-Content-Type-Options", "nosniff");
    write_header(500);
    (void)write("500 Internal Server Error\n");
    finish();
}

}  // namespace wire::http::detail
