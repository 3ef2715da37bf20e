// ServerConn: parsing a batch, serving one request, the body source, hijacking and the worker
// hand-over (see server_conn.hpp).
// wire:glue
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "http/body_reader.hpp"
#include "http/detail/server_conn.hpp"
#include "http/detail/server_core.hpp"
#include "http/server_error.hpp"
#include "http/status.hpp"
#include "net/error.hpp"

namespace wire::http::detail {
namespace {

enum class BodyState : std::uint8_t { ready, wait, stream, bad };

// Whether the body after a head is all here (serve now), worth waiting for (a small body: read
// it before the handler so that reading never blocks), or to be streamed as the handler reads
// (a large body, or one the client sends only after "100 Continue").
BodyState body_state(const MessageHead& head, std::string_view after, const ParseOptions& options,
                     std::size_t preread, Error& error) {
    switch (head.framing) {
        case Framing::none:
        case Framing::until_close:
            return BodyState::ready;
        case Framing::content_length:
            if (after.size() >= head.content_length) return BodyState::ready;
            if (head.expect_continue) return BodyState::stream;
            return head.content_length <= preread ? BodyState::wait : BodyState::stream;
        case Framing::chunked:
            break;
    }
    if (head.expect_continue) return BodyState::stream;
    // A dry run of the decoder over what is here: complete, incomplete, or malformed.
    BodyReader dry(options);
    dry.start(head);
    std::string_view rest = after;
    for (;;) {
        const BodyResult r = dry.read(rest);
        if (r.failed()) {
            error = r.error;
            return BodyState::bad;
        }
        if (r.done()) return BodyState::ready;
        rest.remove_prefix(r.consumed);
        if (r.consumed == 0 || rest.empty()) break;
    }
    return after.size() < preread ? BodyState::wait : BodyState::stream;
}

std::error_code wait_for(int fd, short events, Server::Duration timeout) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    pollfd p{fd, events, 0};
    for (;;) {
        const int n = ::poll(&p, 1, static_cast<int>(ms));
        if (n > 0) return {};
        if (n == 0) return net::Error::timeout;
        if (errno != EINTR) return net::last_error();
    }
}

}  // namespace

ServerConn::Next ServerConn::process(const char* buf, std::size_t len, bool& waiting_body) {
    Exchange& ex = ctx_->exchange;
    const ServerCore& core = ctx_->core;
    std::size_t pos = 0;
    Next next = Next::keep;
    while (pos < len) {
        const std::string_view data(buf + pos, len - pos);
        ex.parser.reset();
        const ParseResult r = ex.parser.parse(data);
        if (r.need_more()) break;
        if (r.failed()) {
            if (core.tracing()) core.trace(data, Direction::received);  // where it broke
            next = reject(ex, r.error);
            pos = len;
            break;
        }
        const MessageHead& head = ex.parser.head();
        Error body_error{};
        const BodyState body = body_state(head, data.substr(r.consumed), core.parse_options(),
                                          core.config().max_body_preread, body_error);
        if (body == BodyState::bad) {
            next = reject(ex, body_error);
            pos = len;
            break;
        }
        if (body == BodyState::wait) {
            waiting_body = true;
            break;
        }
        if (core.pool() != nullptr) {
            hand_off(buf, pos, len);
            return Next::handed_off;
        }
        std::size_t consumed = 0;
        bool moved = false;
        next = serve_one(ex, head, data, r.consumed, consumed, moved);
        if (next == Next::gone) return next;
        if (moved) {
            // The handler read past the batch: what is left of the input is in body_in now.
            in_.assign(ex.window.substr(ex.raw_pos));
            ex.body_in.clear();
            buf = in_.data();
            len = in_.size();
            pos = 0;
        } else {
            pos += consumed;
        }
        if (next == Next::close) break;
    }
    if (next == Next::close) return next;
    // Keep what is left (a partial request) in the connection's own buffer.
    if (pos == len) {
        in_.release();
    } else if (buf == in_.data()) {
        in_.erase_front(pos);
    } else {
        in_.assign({buf + pos, len - pos});
    }
    return next;
}

// Bad input: the answer from http/error's table, never the handler; then the connection closes.
ServerConn::Next ServerConn::reject(Exchange& ex, Error error) {
    const int status = status_for(error);
    const std::size_t head_at = ex.out.size();
    ex.out.status_line(status, {}, 1);
    ex.out.field("Content-Type", "text/plain; charset=utf-8");
    ex.out.field("Connection", "close");
    // RFC 9110 §6.6.1: an origin server with a clock MUST send Date in 4xx answers too.
    ex.out.field("Date", ex.date.get(std::time(nullptr)));
    std::string_view reason = status_text(status);
    ex.out.content_length(reason.size() + 1);
    ex.out.end_head();
    if (ctx_->core.tracing()) ctx_->core.trace(ex.out.data().substr(head_at), Direction::sent);
    // RFC 9110 §9.3.2: no content in a response to HEAD, errors included.
    if (ex.parser.head().method == "HEAD") return Next::close;
    ex.out.append(reason);
    ex.out.append("\n");
    return Next::close;
}

ServerConn::Next ServerConn::serve_one(Exchange& ex, const MessageHead& head, std::string_view data,
                                       std::size_t head_len, std::size_t& consumed, bool& moved) {
    ServerCore& core = ctx_->core;
    // Trace mode: the head as received, on the loop and worker paths alike.
    if (core.tracing()) [[unlikely]]
        core.trace(data.substr(0, head_len), Direction::received);
    Request& req = ex.request;
    req.reset(head, core.parse_options(), &ex);
    if (ex.remote_text.empty() || !(ex.remote_of == peer_)) {
        ex.remote_text = peer_.format(ex.remote);
        ex.remote_of = peer_;
    }
    req.remote_addr = ex.remote_text;
    ex.conn = this;
    ex.window = data.substr(head_len);
    ex.raw_pos = 0;
    ex.moved = false;
    ex.nonblocking = false;
    ResponseImpl& w = ex.response;
    w.begin(this, ex, req, !head.keep_alive || core.shutting_down());
    const auto& access_log = core.config().access_log;
    // A clock read per request only when someone logs the duration.
    const auto started =
        access_log ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    bool threw = false;
    try {
        core.handler().serve(w, req);
    } catch (const std::exception& e) {
        threw = true;
        core.log(std::string("http: handler for ") + std::string(req.target) +
                 " threw: " + e.what());
    } catch (...) {
        threw = true;
        core.log("http: handler for " + std::string(req.target) + " threw a non-exception");
    }
    req.finish();  // the multipart form's temporary files, if any
    if (w.hijacked()) return Next::gone;
    if (!req.body().done()) {
        // The handler left (part of) the body unread: drop what is here; if more is due, the
        // connection cannot find the next request, so the response says close (as Go does).
        ex.nonblocking = true;
        (void)req.body().discard();
        if (!req.body().done()) w.set_closing();
    }
    if (threw) {
        w.fail();
    } else {
        w.finish();
    }
    if (access_log) {
        access_log(AccessLogEntry{req.remote_addr, req.method, req.target, req.proto(), w.status(),
                                  w.bytes_written(), std::chrono::steady_clock::now() - started});
    }
    moved = ex.moved;
    consumed = head_len + ex.raw_pos;
    if (w.upgrading()) {
        if (!send_blocking(ex.out)) return Next::close;
        std::string rest(ex.window.substr(ex.raw_pos));
        take_received_ahead(rest);
        (void)ctx_->loop.remove(fd_);
        LoopUpgrade up{net::Socket(fd_), &ctx_->loop, std::move(rest)};
        fd_ = -1;
        hijacked_ = true;
        UpgradeCallback take = w.take_upgrade();
        take(std::move(up));
        return Next::gone;
    }
    return w.closing() ? Next::close : Next::keep;
}

std::error_code Exchange::fill() {
    // why: after the handler we only drop what already arrived; waiting would stall the loop.
    if (nonblocking) return std::make_error_code(std::errc::operation_would_block);
    if (!moved) {
        body_in.assign(window.substr(raw_pos));
        moved = true;
    } else {
        body_in.erase(0, raw_pos);
    }
    raw_pos = 0;
    std::error_code ec = conn->read_more(body_in);
    window = body_in;
    return ec;
}

void Exchange::on_first_read() {
    // RFC 9110 §10.1.1: the client waits for "100 Continue" before sending the body.
    if (nonblocking || !request.expect_continue) return;
    if (response.write_continue()) (void)conn->send_blocking(out);
}

std::error_code ServerConn::read_more(std::string& into) {
    const Server& cfg = ctx_->core.config();
    const auto timeout = cfg.read_timeout.count() > 0 ? cfg.read_timeout : cfg.idle_timeout;
    const std::size_t old = into.size();
    into.resize(old + 16 * 1024);
    for (;;) {
        // On the loop: through the loop, which may have received bytes ahead (and stops doing
        // so while this reads on). A worker's socket had those moved to it (hand_off).
        const long n = on_loop_thread()
                           ? ctx_->loop.receive(fd_, into.data() + old, into.size() - old)
                           : ::recv(fd_, into.data() + old, into.size() - old, 0);
        if (n > 0) {
            into.resize(old + static_cast<std::size_t>(n));
            return {};
        }
        if (n == 0) {
            into.resize(old);
            return net::Error::unexpected_eof;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) {
            into.resize(old);
            return net::last_error();
        }
        if (on_loop_thread()) {
            // About to block: what the handler sent so far reaches the client first (it may be
            // what the client waits for before sending more).
            take_loop_sends();
            if (auto sent = flush_blocking(); !sent) {
                into.resize(old);
                return sent.error();
            }
        }
        if (std::error_code ec = wait_for(fd_, POLLIN, timeout)) {
            into.resize(old);
            return ec;
        }
    }
}

// Before the socket is written or waited on other than through the loop: the bytes the loop
// still holds for it go first.
void ServerConn::take_loop_sends() {
    std::string held;
    ctx_->loop.take_unsent(fd_, held);
    if (held.empty()) return;
    held.append(pending_.view());
    pending_.assign(held);
}

net::Result<void> ServerConn::send_blocking(Serializer& out) {
    if (on_loop_thread()) take_loop_sends();
    pending_.append(out.data());
    out.clear();
    return flush_blocking();
}

net::Result<void> ServerConn::flush_blocking() {
    const Server& cfg = ctx_->core.config();
    const auto timeout = cfg.write_timeout.count() > 0 ? cfg.write_timeout : cfg.idle_timeout;
    while (!pending_.empty()) {
        const ssize_t n = ::send(fd_, pending_.data(), pending_.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            pending_.erase_front(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return net::last_error();
        if (std::error_code ec = wait_for(fd_, POLLOUT, timeout)) return ec;
    }
    pending_.release();
    return {};
}

net::Result<void> ServerConn::send_now(Serializer& out) {
    if (!on_loop_thread()) return send_blocking(out);
    // On the loop: what the kernel takes now; the rest waits for writability (never block).
    if (!write_batch(out)) return ServerError::connection_closed;
    return {};
}

net::Result<Hijacked> ServerConn::hijack(Exchange& ex) {
    // Responses to earlier pipelined requests go first, so the new owner starts clean.
    if (auto sent = send_blocking(ex.out); !sent) return sent.error();
    int fd = fd_;
    std::string rest(ex.window.substr(ex.raw_pos));
    if (on_loop_thread()) {
        take_received_ahead(rest);
        (void)ctx_->loop.remove(fd_);
        fd_ = -1;
    } else {
        // A worker may not touch the loop: it gets a duplicate and the loop closes the original.
        fd = ::dup(fd_);
        if (fd < 0) return net::last_error();
    }
    hijacked_ = true;
    Hijacked h;
    h.conn = std::make_unique<net::Conn>(net::Socket(fd));
    h.reader = std::make_unique<net::BufferedReader>(*h.conn, rest);
    h.writer = std::make_unique<net::BufferedWriter>(*h.conn);
    return h;
}

void ServerConn::run_on_worker(Exchange& ex) {
    // The head was parsed on the loop; parse it again here with this thread's field array.
    const std::string_view data = in_.view();
    ex.parser.reset();
    const ParseResult r = ex.parser.parse(data);
    std::size_t consumed = 0;
    bool moved = false;
    Next next = serve_one(ex, ex.parser.head(), data, r.consumed, consumed, moved);
    if (next != Next::gone) {
        if (!send_blocking(ex.out)) next = Next::close;
        if (moved) {
            in_.assign(ex.window.substr(ex.raw_pos));
            ex.body_in.clear();
        } else {
            in_.erase_front(consumed);
        }
    }
    ex.out.clear();
    ctx_->loop.post([this, next] { after_worker(next); });
}

}  // namespace wire::http::detail
