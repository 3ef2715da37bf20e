// ServerConn: reading, batching and writing (see server_conn.hpp). Serving one request, the
// body source and hijacking are in server_conn_serve.cpp.
// wire:glue
#include "http/detail/server_conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "http/detail/server_core.hpp"
#include "http/detail/worker_pool.hpp"

namespace wire::http::detail {
namespace {

// How long a closing connection drains the client's leftover input after its FIN.
constexpr auto linger_time = std::chrono::seconds(1);

// An idle keep-alive connection costs at most 192 bytes of the server's memory
// (docs/performance.md, "Idle connections"): this object in a 136-byte malloc block, its
// timer's 8-byte entry in the loop's heap and its 8-byte slot in the loop's fd table, with room
// left for the table's growth (and, on io_uring, the backend's 12 bytes an fd).
constexpr std::size_t idle_object_budget = 128;

// "0" to "255" and their lengths, built at compile time: an IPv4 octet is one table load. The
// peer's address is formatted for every request that comes from another peer than the one
// before (Request::remote_addr), which on a busy loop is most of them.
struct OctetText {
    char text[3];
    std::uint8_t size;
};
constexpr auto octet_texts = [] {
    std::array<OctetText, 256> t{};
    for (unsigned v = 0; v < 256; ++v) {
        OctetText& o = t[v];
        if (v >= 100) o.text[o.size++] = static_cast<char>('0' + v / 100);
        if (v >= 10) o.text[o.size++] = static_cast<char>('0' + v / 10 % 10);
        o.text[o.size++] = static_cast<char>('0' + v % 10);
    }
    return t;
}();

}  // namespace

static_assert(sizeof(ServerConn) <= idle_object_budget || sizeof(void*) > 8);

PeerAddress PeerAddress::from(const sockaddr_storage& ss) noexcept {
    PeerAddress p;
    if (ss.ss_family == AF_INET) {
        const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
        std::memcpy(p.ip, &in.sin_addr, 4);
        p.port = ntohs(in.sin_port);
        p.family = AF_INET;
    } else if (ss.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
        std::memcpy(p.ip, &in6.sin6_addr, 16);
        p.port = ntohs(in6.sin6_port);
        p.family = AF_INET6;
    }
    return p;
}

std::string_view PeerAddress::format(char (&out)[64]) const noexcept {
    if (family == 0) return "@";
    char* p = out;
    if (family == AF_INET) {
        // By hand: inet_ntop formats IPv4 through sprintf, a cost paid on every request.
        for (int i = 0; i < 4; ++i) {
            const OctetText& o = octet_texts[ip[i]];
            std::memcpy(p, o.text, 3);  // the bytes past `size` are overwritten next
            p += o.size;
            *p++ = i < 3 ? '.' : ':';
        }
    } else {
        *p++ = '[';
        if (::inet_ntop(AF_INET6, ip, p, 46) == nullptr) return "@";
        p += std::strlen(p);
        *p++ = ']';
        *p++ = ':';
    }
    p = std::to_chars(p, out + sizeof out, port).ptr;
    return {out, static_cast<std::size_t>(p - out)};
}

ServerConn::ServerConn(LoopContext& ctx, int fd, const PeerAddress& peer)
    : ctx_(&ctx), timer_(&ServerConn::on_timer, this), fd_(fd), peer_(peer) {}

ServerConn::~ServerConn() {
    if (fd_ >= 0) ::close(fd_);
}

bool ServerConn::idle() const noexcept {
    return state_ == State::active && in_.empty() && pending_.empty();
}

bool ServerConn::on_loop_thread() const noexcept {
    return ctx_->loop.in_loop_thread();
}

void ServerConn::arm_first_request_timer() {
    // A new connection gets the header timeout at once: one that sends nothing is a slowloris.
    wait_ = Wait::head;
    ctx_->loop.arm_after(timer_, ctx_->core.config().read_header_timeout);
}

void ServerConn::arm(Wait wait) {
    const Server& cfg = ctx_->core.config();
    const bool changed = wait != wait_;
    wait_ = wait;
    switch (wait) {
        case Wait::idle:
            // Pushed back on every request: O(1), the heap re-files it lazily (net/timer.hpp).
            ctx_->loop.arm_after(timer_, cfg.idle_timeout);
            break;
        case Wait::head:
            // From the first byte of the request; later bytes do not push it back (slowloris).
            if (changed || !timer_.armed()) ctx_->loop.arm_after(timer_, cfg.read_header_timeout);
            break;
        case Wait::body:
            if (changed || !timer_.armed()) {
                const auto t = cfg.read_timeout.count() > 0 ? cfg.read_timeout : cfg.idle_timeout;
                ctx_->loop.arm_after(timer_, t);
            }
            break;
        case Wait::write:
            if (changed || !timer_.armed()) {
                const auto t = cfg.write_timeout.count() > 0 ? cfg.write_timeout : cfg.idle_timeout;
                ctx_->loop.arm_after(timer_, t);
            }
            break;
        case Wait::linger:
            ctx_->loop.arm_after(timer_, linger_time);
            break;
        case Wait::quiet:
            break;  // armed by close_when_quiet, at a time of its own
    }
}

void ServerConn::on_timer(net::Timer&, void* self) {
    auto* c = static_cast<ServerConn*>(self);
    if (c->state_ == State::handling) return;  // a worker holds it; its own I/O times out
    if (c->wait_ == Wait::quiet && c->input_waiting()) {
        // The grace is over but a request came in: the loop reads it next and answers it.
        c->arm(Wait::head);
        return;
    }
    if (c->wait_ == Wait::quiet && c->ctx_->loop.unsent(c->fd_) > 0) {
        // The last response is still on its way to a slow client: it gets the write timeout.
        c->arm(Wait::write);
        return;
    }
    c->close_now();
}

void ServerConn::close_when_quiet() noexcept {
    const Server& cfg = ctx_->core.config();
    // When the connection last answered a request, or was accepted: an idle connection's timer
    // was armed then, for idle_timeout (before its first request, for read_header_timeout).
    const auto armed_for = wait_ == Wait::idle ? cfg.idle_timeout : cfg.read_header_timeout;
    const auto until = timer_.deadline() - armed_for + cfg.shutdown_idle_grace;
    const auto now = ctx_->loop.now();
    // A request may already sit in the socket, its readiness not handled yet: closing now would
    // reset the connection with the request unread, so it waits for the loop to answer it.
    if ((!timer_.armed() || until <= now) && !input_waiting() && ctx_->loop.unsent(fd_) == 0) {
        close_now();
        return;
    }
    wait_ = Wait::quiet;
    ctx_->loop.arm(timer_, std::max(until, now));
}

bool ServerConn::input_waiting() const noexcept {
    if (ctx_->loop.received_ahead(fd_) > 0) return true;
    char byte = 0;
    return ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

void ServerConn::take_received_ahead(std::string& into) {
    while (const std::size_t waiting = ctx_->loop.received_ahead(fd_)) {
        const std::size_t old = into.size();
        into.resize(old + waiting);
        const long n = ctx_->loop.receive(fd_, into.data() + old, waiting);
        into.resize(old + static_cast<std::size_t>(std::max(n, 0L)));
        if (n <= 0) break;
    }
}

void ServerConn::on_readable() {
    if (state_ == State::handling) return;
    if (state_ == State::lingering) {
        // Drain and drop: we only wait for the client's FIN (or the linger timer).
        const long n =
            ctx_->loop.receive(fd_, ctx_->read_buffer.get(), LoopContext::read_buffer_size);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) close_now();
        return;
    }
    const Server& cfg = ctx_->core.config();
    char* dst = ctx_->read_buffer.get();
    std::size_t room = LoopContext::read_buffer_size;
    if (!in_.empty()) {
        // A request is already partly here: read behind it, within the head and preread bounds.
        const std::size_t bound = cfg.max_header_bytes + cfg.max_body_preread + 16 * 1024;
        in_.reserve(std::min(in_.size() + 16 * 1024, bound));
        dst = in_.data() + in_.size();
        room = in_.capacity() - in_.size();
        if (room == 0) {  // the parser's limits should have answered already; stay safe
            close_now();
            return;
        }
    }
    const long n = ctx_->loop.receive(fd_, dst, room);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        close_now();
        return;
    }
    if (n == 0) {  // the client closed; a partial request dies with it
        close_now();
        return;
    }
    if (!in_.empty()) {
        in_.grow_by(static_cast<std::size_t>(n));
        run(in_.data(), in_.size());
    } else {
        run(dst, static_cast<std::size_t>(n));
    }
}

void ServerConn::run(const char* buf, std::size_t len) {
    bool waiting_body = false;
    const Next next = process(buf, len, waiting_body);
    finish_batch(next, waiting_body);
}

void ServerConn::finish_batch(Next next, bool waiting_body) {
    Exchange& ex = ctx_->exchange;
    if (next == Next::gone) {
        ex.out.clear();
        ctx_->unlink(this);
        delete this;
        return;
    }
    if (ex.out.size() > 0 && !write_batch(ex.out)) {
        close_now();
        return;
    }
    if (next == Next::handed_off) return;
    // Only a response that said "Connection: close" ends the connection: one that did not (the
    // shutdown began after it was made) has told the client it may send another request.
    if (next == Next::close) {
        close_after_write_ = true;
        if (pending_.empty()) linger();
        return;
    }
    if (!pending_.empty()) {
        arm(Wait::write);
    } else if (!in_.empty()) {
        arm(waiting_body ? Wait::body : Wait::head);
    } else {
        wait_for_next_request();
    }
}

void ServerConn::wait_for_next_request() {
    arm(Wait::idle);
    // The loop's shutdown has already passed this connection by, while it was busy.
    if (ctx_->closing()) close_when_quiet();
}

// Sends the batch; what the kernel refuses waits in pending_ for writability. False: the
// connection failed.
bool ServerConn::write_batch(Serializer& out) {
    const std::string_view data = out.data();
    if (!pending_.empty()) {
        pending_.append(data);
        out.clear();
        return true;  // writability is already being watched
    }
    // Through the loop: on io_uring the batch goes out at the end of the pass, with the other
    // connections' (net/event_loop.hpp, send).
    const long n = ctx_->loop.send(fd_, data.data(), data.size());
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        out.clear();
        return false;
    }
    const auto sent = static_cast<std::size_t>(n < 0 ? 0 : n);
    if (sent < data.size()) {
        pending_.assign(data.substr(sent));
        // Back-pressure: no more reading until the client takes its responses.
        (void)ctx_->loop.modify(fd_, net::Interest::writable);
    }
    out.clear();
    return true;
}

// Writes pending_; true once it is empty.
bool ServerConn::drain_pending() {
    while (!pending_.empty()) {
        const long n = ctx_->loop.send(fd_, pending_.data(), pending_.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) return false;
            close_now();
            return false;
        }
        pending_.erase_front(static_cast<std::size_t>(n));
    }
    pending_.release();
    return true;
}

void ServerConn::on_writable() {
    if (state_ != State::active) return;
    if (!drain_pending()) {
        return;  // still waiting (or closed by drain_pending)
    }
    if (close_after_write_) {
        linger();
        return;
    }
    (void)ctx_->loop.modify(fd_, net::Interest::readable);
    if (!in_.empty()) {
        // Requests that arrived with the last batch are answered before reading more.
        run(in_.data(), in_.size());
        return;
    }
    wait_for_next_request();
}

void ServerConn::on_error() {
    if (state_ == State::handling) return;
    close_now();
}

void ServerConn::linger() noexcept {
    // RFC 9112 §9.6: close in stages: FIN first, then read what is in flight, then close.
    state_ = State::lingering;
    in_.release();
    // After the bytes the loop still sends for us (the response that said close).
    (void)ctx_->loop.shutdown_write(fd_);
    (void)ctx_->loop.modify(fd_, net::Interest::readable);
    // A client slow to take the response gets the write timeout to take it, then the linger.
    arm(ctx_->loop.unsent(fd_) > 0 ? Wait::write : Wait::linger);
}

void ServerConn::close_now() noexcept {
    if (state_ == State::handling) return;  // the worker's return closes it
    (void)ctx_->loop.remove(fd_);
    ctx_->loop.cancel(timer_);
    ctx_->unlink(this);
    delete this;
}

void ServerConn::abort() noexcept {
    if (state_ == State::handling) {
        ::shutdown(fd_, SHUT_RDWR);  // the worker's reads and writes fail at once
        return;
    }
    close_now();
}

void ServerConn::hand_off(const char* buf, std::size_t pos, std::size_t len) {
    // The loop's buffers are reused at once: the request moves into the connection's memory.
    if (buf == in_.data()) {
        in_.erase_front(pos);
    } else {
        in_.assign({buf + pos, len - pos});
    }
    // The worker reads the socket itself: bytes the loop received ahead join the request's.
    if (const std::size_t waiting = ctx_->loop.received_ahead(fd_); waiting > 0) {
        std::string ahead;
        take_received_ahead(ahead);
        in_.append(ahead);
    }
    // Responses to earlier requests of the batch go first; the worker sends them, after those
    // the loop still held.
    take_loop_sends();
    Exchange& ex = ctx_->exchange;
    if (ex.out.size() > 0) {
        pending_.append(ex.out.data());
        ex.out.clear();
    }
    state_ = State::handling;
    ctx_->loop.cancel(timer_);
    (void)ctx_->loop.modify(fd_, net::Interest::none);
    ctx_->core.pool()->submit(this);
}

void ServerConn::after_worker(Next next) {
    state_ = State::active;
    if (next == Next::gone) {
        close_now();
        return;
    }
    if (next == Next::close) {
        close_after_write_ = true;
        linger();
        return;
    }
    (void)ctx_->loop.modify(fd_, net::Interest::readable);
    if (!in_.empty()) {
        run(in_.data(), in_.size());
        return;
    }
    finish_batch(Next::keep, false);
}

}  // namespace wire::http::detail
