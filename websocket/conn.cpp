// wire:glue
// websocket::Conn: construction, handlers, and the closing handshake (RFC 6455 §7).
#include "websocket/conn.hpp"

#include <algorithm>
#include <cstring>

#include "net/error.hpp"
#include "net/fiber.hpp"
#include "websocket/detail/codec_pool.hpp"
#include "websocket/detail/conn_state.hpp"
#include "websocket/error.hpp"

namespace wire::websocket {

namespace detail {

namespace {

ReaderOptions reader_options(const ConnOptions& o) {
    ReaderOptions r;
    r.role = o.role;
    r.limits.max_message_size = o.read_limit;
    r.streaming = true;  // the Conn assembles messages itself, so no frame must fit a buffer
    r.allowed_rsv = o.allowed_rsv;
    if (o.deflate) r.allowed_rsv |= rsv1;  // RFC 7692 §6: RSV1 marks a compressed message
    return r;
}

}  // namespace

ConnState::~ConnState() {
    release_write_buffer();
    // Codecs lent for a message that never ended go back; the next message resets them.
    give_back(std::move(inflater));
    give_back(std::move(deflater));
    give_back(std::move(lent_wbuf));
    give_back(std::move(inflated));
}

ConnState::ConnState(net::Conn conn, const ConnOptions& o)
    : net(std::move(conn)),
      role(o.role),
      subprotocol(o.subprotocol),
      trace(o.trace),
      rcap(std::max({o.read_buffer_size, min_buffer_size, o.already_read.size()})),
      reader(reader_options(o)),
      read_limit(o.read_limit),
      wcap(std::max<std::size_t>(
          o.write_buffer_pool ? o.write_buffer_pool->buffer_size() : o.write_buffer_size, 256)),
      pool(o.write_buffer_pool) {
    rbuf = std::make_unique_for_overwrite<std::uint8_t[]>(rcap);
    if (o.deflate) {
        // The codecs are lent by the thread for each compressed message (detail/codec_pool.hpp).
        deflate_params = o.deflate;
        compression_level = o.compression.level;
        write_compression = true;
        compression_threshold = o.compression.threshold;
    }
    if (!o.already_read.empty()) {
        std::memcpy(rbuf.get(), o.already_read.data(), o.already_read.size());
        rend = o.already_read.size();
    }
}

// Reads and drops bytes until EOF, an error or `deadline` (read_mu held).
void ConnState::drain(Clock::time_point deadline) {
    (void)net.shutdown_write();
    net.set_read_deadline(deadline);
    for (;;) {
        auto n = net.read(rbuf.get(), rcap);
        if (!n || *n == 0) return;
    }
}

// Waits until the peer's close frame has been read, by another reading thread or by us.
std::error_code ConnState::wait_for_peer_close(Clock::time_point deadline) {
    for (;;) {
        bool stopped = false;
        {
            std::lock_guard lock(state_mu);
            if (close_received) return {};
            stopped = read_done;
        }
        if (stopped) {
            // Reading stopped without the peer's close (we failed the connection, or EOF).
            // Drain what the peer still sends until it closes: closing a socket with unread
            // input makes the kernel send RST, which can destroy our close frame in flight.
            if (!read_mu.try_lock()) return {};
            std::lock_guard reading(read_mu, std::adopt_lock);
            drain(deadline);
            return {};
        }
        if (read_mu.try_lock()) {
            // Nobody is reading: read ourselves, discarding data, until the close or the deadline.
            std::lock_guard reading(read_mu, std::adopt_lock);
            net.set_read_deadline(deadline);
            Event ev;
            std::error_code ec;
            while (!(ec = next_event(ev)))
                pending = {};
            std::lock_guard lock(state_mu);
            return close_received ? std::error_code{} : ec;
        }
        // Another thread is reading and will see the close; look again now and then in case it
        // stops reading without seeing it. A fiber parks meanwhile: the reader may be a fiber of
        // the same loop, which runs only if this thread does (net/mutex.hpp).
        if (net::Fiber::current() != nullptr) {
            net::this_fiber::sleep_until(
                std::min(deadline, Clock::now() + std::chrono::milliseconds(2)));
        } else {
            std::unique_lock lock(state_mu);
            const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(10));
            state_cv.wait_until(lock, slice, [&] { return close_received || read_done; });
        }
        std::lock_guard lock(state_mu);
        if (!close_received && !read_done && Clock::now() >= deadline) return net::Error::timeout;
    }
}

}  // namespace detail

Conn::Conn(net::Conn conn, ConnOptions options)
    : s_(std::make_unique<detail::ConnState>(std::move(conn), options)) {}

Conn::Conn() noexcept = default;
Conn::Conn(Conn&&) noexcept = default;

Conn& Conn::operator=(Conn&& other) noexcept {
    if (this != &other) {
        abort();
        s_ = std::move(other.s_);
    }
    return *this;
}

Conn::~Conn() {
    abort();
}

void Conn::set_ping_handler(PingHandler h) {
    std::lock_guard lock(s_->handler_mu);
    s_->ping_handler = std::move(h);
}
void Conn::set_pong_handler(PingHandler h) {
    std::lock_guard lock(s_->handler_mu);
    s_->pong_handler = std::move(h);
}
void Conn::set_close_handler(CloseHandler h) {
    std::lock_guard lock(s_->handler_mu);
    s_->close_handler = std::move(h);
}

// RFC 6455 §7.1.2-§7.1.3: send a close frame, wait for the peer's, then close TCP. gorilla's
// Close() skips the wait, which is why its peers so often report 1006 instead of the code sent.
std::error_code Conn::close(std::uint16_t code, std::string_view reason,
                            std::chrono::milliseconds timeout) {
    if (!s_) return {};
    auto& s = *s_;
    std::uint8_t payload[max_close_reason + 2];
    std::size_t n = 0;
    if (code != close_code::no_status) {
        std::error_code ec;
        n = encode_close_payload(code, reason, payload, ec);
        if (ec) return ec;  // a code that may not be sent, or a reason too long: fix the call
    }
    if (s.closing.exchange(true)) return {};
    const auto deadline = Clock::now() + timeout;
    std::error_code result;
    if (!s.close_sent.load()) {
        auto w = s.write_control_frame(Opcode::close, {payload, n}, deadline);
        if (!w && w.error() != Error::close_sent) result = w.error();
    }
    if (!result) result = s.wait_for_peer_close(deadline);
    s.net.close();
    return result;
}

void Conn::abort() noexcept {
    if (!s_) return;
    s_->closing.store(true);
    (void)s_->net.close();
}

CloseError Conn::close_error() const {
    std::lock_guard lock(s_->state_mu);
    return s_->peer_close;
}

const DeflateParams* Conn::compression() const noexcept {
    return s_->deflate_params ? &*s_->deflate_params : nullptr;
}

void Conn::enable_write_compression(bool on) noexcept {
    s_->write_compression = on && s_->deflate_params.has_value();
}

std::error_code Conn::set_compression_level(int level) {
    // gorilla's SetCompressionLevel: -2..9 there; DEFLATE levels 0 (store) to 9 here.
    if (level < 0 || level > 9) return std::make_error_code(std::errc::invalid_argument);
    s_->compression_level = level;  // the deflater lent for the next message takes it
    return {};
}

std::size_t Conn::memory_usage() const noexcept {
    const auto& s = *s_;
    std::size_t codecs = 0;
    if (s.inflater) codecs += sizeof(MessageInflater) + s.inflater->memory_in_use();
    if (s.deflater) codecs += sizeof(MessageDeflater) + s.deflater->memory_in_use();
    codecs += s.received_history.memory_in_use() + s.sent_history.memory_in_use() +
              s.lent_wbuf.capacity + s.inflated.capacity;
    return sizeof(detail::ConnState) + s.rcap + (s.wbuf ? s.wcap : 0) + s.message.capacity +
           s.subprotocol.capacity() + codecs;
}

const std::string& Conn::subprotocol() const noexcept {
    return s_->subprotocol;
}

Role Conn::role() const noexcept {
    return s_->role;
}

net::Conn& Conn::net_conn() noexcept {
    return s_->net;
}

}  // namespace wire::websocket
