// wire:glue
// The write side of websocket::Conn: whole messages, fragmented messages (MessageWriter) and
// control frames from any thread. Every frame is written under write_mu, so a control frame can
// go out between two fragments of a message (RFC 6455 §5.4) but never inside a frame.
#include <algorithm>
#include <cassert>
#include <cstring>

#include "crypto/random.hpp"
#include "net/error.hpp"
#include "websocket/conn.hpp"
#include "websocket/detail/codec_pool.hpp"
#include "websocket/detail/conn_state.hpp"
#include "websocket/error.hpp"
#include "websocket/frame_writer.hpp"

namespace wire::websocket {

namespace detail {

namespace {

// One data writer at a time (a MessageWriter counts until it is closed).
void begin_writing(ConnState& s) {
    [[maybe_unused]] const bool was = s.writing.exchange(true, std::memory_order_acquire);
    assert(!was && "websocket::Conn: two data writers at once (one writer at a time)");
}
void end_writing(ConnState& s) {
    s.writing.store(false, std::memory_order_release);
}

bool is_data(Opcode type) {
    return type == Opcode::text || type == Opcode::binary;
}

}  // namespace

std::error_code ConnState::write_state() const noexcept {
    if (close_sent.load()) return Error::close_sent;  // RFC 6455 §5.5.1: nothing after a close
    return write_err;
}

std::uint8_t* ConnState::write_buffer() {
    if (lent_wbuf.data) return lent_wbuf.data.get();  // a compressed message's, from the thread
    if (!wbuf) wbuf = pool ? pool->get() : std::make_unique_for_overwrite<std::uint8_t[]>(wcap);
    return wbuf.get();
}

void ConnState::release_write_buffer() {
    if (pool && wbuf) pool->put(std::move(wbuf));
}

// RFC 6455 §5.3: a fresh, unpredictable key per frame. Keys come 64 at a time from getrandom(2),
// so masking costs one syscall per 64 frames instead of one per frame.
std::error_code ConnState::next_mask_key(MaskKey& key) {
    if (mask_pos + key.size() > mask_pool.size()) {
        if (auto ec = crypto::fill_random(mask_pool)) return ec;
        mask_pos = 0;
    }
    std::memcpy(key.data(), mask_pool.data() + mask_pos, key.size());
    mask_pos += key.size();
    return {};
}

Result<void> ConnState::write_bytes(const iovec* iov, std::size_t count) {
    auto n = net.writev({iov, count});
    if (!n) {
        write_err = n.error();  // part of a frame may be out: the stream is broken for good
        return write_err;
    }
    return {};
}

// One frame whose payload is the caller's. A server sends header and payload in one writev
// without copying; a client masks a copy through the write buffer, a buffer's worth per write.
Result<void> ConnState::send_frame(FrameHeader h, std::span<const std::uint8_t> payload) {
    h.payload_length = payload.size();
    trace_sent(h, payload);
    if (!h.masked) {
        std::uint8_t head[max_header_size];
        const std::size_t n = encode_header(h, head);
        const iovec iov[2] = {{head, n},
                              {const_cast<std::uint8_t*>(payload.data()), payload.size()}};
        return write_bytes(iov, payload.empty() ? 1 : 2);
    }
    std::uint8_t* buf = write_buffer();
    std::size_t used = encode_header(h, {buf, wcap});
    std::size_t key_offset = 0;
    do {
        const std::size_t take = std::min(payload.size(), wcap - used);
        key_offset = mask_copy(payload.first(take), buf + used, h.mask_key, key_offset);
        const iovec one{buf, used + take};
        if (auto r = write_bytes(&one, 1); !r) return r;
        payload = payload.subspan(take);
        used = 0;
    } while (!payload.empty());
    return {};
}

// The frame a MessageWriter gathered in wbuf[max_header_size, +wlen): the header goes right in
// front of the payload, so the frame leaves in one write.
Result<void> ConnState::send_buffered(Opcode type, bool fin, std::uint8_t rsv) {
    MaskKey key{};
    if (role == Role::client) {
        if (auto ec = next_mask_key(key)) return ec;
    }
    FrameHeader h = make_header(type, fin, role, key, rsv);
    h.payload_length = wlen;
    const std::size_t hn = header_size(wlen, h.masked);
    std::uint8_t* payload = write_buffer() + max_header_size;
    std::uint8_t* start = payload - hn;
    (void)encode_header(h, {start, hn});
    trace_sent(h, {payload, wlen});
    if (h.masked) apply_mask({payload, wlen}, key);
    const iovec one{start, hn + wlen};
    wlen = 0;
    return write_bytes(&one, 1);
}

Result<void> ConnState::write_control_frame(Opcode type, std::span<const std::uint8_t> payload,
                                            Clock::time_point deadline) {
    if (!is_control(type)) return Error::bad_write_opcode;
    if (payload.size() > max_control_payload) return Error::control_frame_too_long;  // §5.5
    // net::Mutex is fair: a control frame waits for the frame being written, not for the rest of
    // a stream of messages; on a fiber it parks rather than blocking the loop (net/mutex.hpp).
    if (!write_mu.try_lock_until(deadline)) return net::Error::timeout;
    std::lock_guard lock(write_mu, std::adopt_lock);
    if (auto ec = write_state()) return ec;
    MaskKey key{};
    if (role == Role::client) {
        if (auto ec = next_mask_key(key)) return ec;
    }
    std::uint8_t frame[max_header_size + max_control_payload];
    FrameHeader h = make_header(type, true, role, key);
    const auto encoded = encode_frame(h, payload, frame);
    if (encoded.error) return encoded.error;
    h.payload_length = payload.size();
    trace_sent(h, payload);
    {
        std::lock_guard dl(deadline_mu);
        net.set_write_deadline(deadline);
    }
    const iovec one{frame, encoded.written};
    auto r = write_bytes(&one, 1);
    {
        std::lock_guard dl(deadline_mu);
        net.set_write_deadline(write_deadline);
    }
    if (r && type == Opcode::close) close_sent.store(true);
    return r;
}

// A compressed message begins: a deflater from the thread's pool, starting from the history of
// what this connection sent with context takeover (RFC 7692 §7.2.3.2), from none without; and,
// for a connection that keeps no write buffer (a server without a pool: its plain messages
// need none), a buffer lent by the thread too.
void ConnState::begin_deflate() {
    deflater = take_deflater(deflate_params->send_window_bits(role), compression_level);
    deflater->set_history(deflate_params->send_no_context_takeover(role)
                              ? std::span<const std::uint8_t>{}
                              : sent_history.bytes());
    if (!wbuf && !pool && role == Role::server) lent_wbuf = take_buffer(wcap);
}

// The message is compressed: with context takeover it is now the history (what the peer's
// inflater holds); the deflater and any buffer go back to the thread.
void ConnState::end_deflate() noexcept {
    if (!deflate_params->send_no_context_takeover(role))
        sent_history.take_from(*deflater, deflate_params->send_window_bits(role));
    give_back(std::move(deflater));
    give_back(std::move(lent_wbuf));
    lent_wbuf = {};
}

// Compresses `data` into the write buffer (after wlen bytes already there), sending a fragment
// each time the buffer fills; with `last`, the message's final frame too. `type` is the next
// frame's opcode: the message's own for its first frame, which alone carries RSV1 (RFC 7692
// §6.1), then continuation. Takes write_mu per frame, so control frames can go in between.
Result<void> ConnState::deflate_into_buffer(Opcode& type, std::span<const std::uint8_t> data,
                                            bool last) {
    const std::size_t room = wcap - max_header_size;
    if (!deflater) begin_deflate();
    for (;;) {
        std::uint8_t* payload = write_buffer() + max_header_size;
        const auto r = deflater->deflate(data, {payload + wlen, room - wlen}, last);
        data = data.subspan(r.consumed);
        wlen += r.produced;
        deflate_in += r.consumed;
        deflate_out += r.produced;
        // The deflater wants a little room to go on; one that stops short of it is full too.
        const bool stuck = r.consumed == 0 && r.produced == 0 && !r.done && !data.empty();
        if (stuck && wlen == 0) return Error::buffer_too_small;
        const bool full = room - wlen < 64 || stuck;
        if (!r.done && !full && data.empty()) return {};  // all taken; more of the message later
        if (!r.done && !full) continue;
        const std::uint8_t rsv = type == Opcode::continuation ? 0 : rsv1;
        std::lock_guard lock(write_mu);
        if (auto ec = write_state()) return ec;
        const Opcode message_type = type == Opcode::continuation ? msg_out_type : type;
        msg_out_type = message_type;
        auto sent = send_buffered(type, r.done, rsv);
        type = Opcode::continuation;
        if (sent && r.done && trace) [[unlikely]]
            trace_compression(trace, Direction::sent, message_type, deflate_out, {}, deflate_in);
        if (!sent || r.done) {
            if (r.done) {
                deflate_in = deflate_out = 0;
                end_deflate();
            }
            return sent;
        }
    }
}

// A whole message, compressed (RFC 7692 §7.2.1): one frame when the compressed payload fits
// the write buffer, else fragments of a buffer each (the memory a message costs is the
// buffer, whatever its size).
Result<void> ConnState::write_compressed(Opcode type, std::span<const std::uint8_t> data) {
    wlen = 0;
    auto r = deflate_into_buffer(type, data, /*last=*/true);
    wlen = 0;
    return r;
}

}  // namespace detail

std::unique_ptr<std::uint8_t[]> WriteBufferPool::get() {
    {
        std::lock_guard lock(mu_);
        if (!free_.empty()) {
            auto b = std::move(free_.back());
            free_.pop_back();
            return b;
        }
    }
    return std::make_unique_for_overwrite<std::uint8_t[]>(size_);
}

void WriteBufferPool::put(std::unique_ptr<std::uint8_t[]> buffer) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(buffer));
}

std::size_t WriteBufferPool::idle() const {
    std::lock_guard lock(mu_);
    return free_.size();
}

Result<void> Conn::write_message(Opcode type, std::span<const std::uint8_t> data) {
    if (!detail::is_data(type)) return Error::bad_write_opcode;
    auto& s = *s_;
    detail::begin_writing(s);
    Result<void> r;
    if (s.write_compression && data.size() >= s.compression_threshold) {
        r = s.write_compressed(type, data);
        std::lock_guard lock(s.write_mu);
        s.release_write_buffer();
    } else {
        std::lock_guard lock(s.write_mu);
        MaskKey key{};
        if (auto ec = s.write_state()) {
            r = ec;
        } else if (s.role == Role::client && (ec = s.next_mask_key(key))) {
            r = ec;
        } else {
            r = s.send_frame(make_header(type, true, s.role, key), data);
        }
        s.release_write_buffer();
    }
    detail::end_writing(s);
    return r;
}

Result<MessageWriter> Conn::next_writer(Opcode type) {
    if (!detail::is_data(type)) return Error::bad_write_opcode;
    auto& s = *s_;
    detail::begin_writing(s);
    std::error_code ec;
    {
        std::lock_guard lock(s.write_mu);
        ec = s.write_state();
    }
    if (ec) {
        detail::end_writing(s);
        return ec;
    }
    s.wlen = 0;
    // A message written in pieces has no size to weigh against the threshold: compressed
    // whenever write compression is on.
    return MessageWriter(&s, type, s.write_compression);
}

Result<void> Conn::write_control(Opcode type, std::span<const std::uint8_t> payload,
                                 Clock::time_point deadline) {
    return s_->write_control_frame(type, payload, deadline);
}

void Conn::set_write_deadline(Clock::time_point t) {
    std::lock_guard dl(s_->deadline_mu);
    s_->write_deadline = t;
    s_->net.set_write_deadline(t);
}

MessageWriter::MessageWriter(MessageWriter&& other) noexcept
    : s_(std::exchange(other.s_, nullptr)), type_(other.type_), compressed_(other.compressed_) {}

MessageWriter::~MessageWriter() {
    if (s_ != nullptr) (void)close();
}

Result<std::size_t> MessageWriter::write(const void* data, std::size_t size) {
    assert(s_ != nullptr && "MessageWriter used after close()");
    auto& s = *s_;
    const auto* p = static_cast<const std::uint8_t*>(data);
    if (compressed_) {
        if (auto r = s.deflate_into_buffer(type_, {p, size}, /*last=*/false); !r) return r.error();
        return size;
    }
    const std::size_t room = s.wcap - max_header_size;
    std::size_t left = size;
    while (left > 0) {
        std::lock_guard lock(s.write_mu);
        if (auto ec = s.write_state()) return ec;
        if (s.wlen == 0 && left >= room) {
            // A buffer's worth or more: send it as a fragment of its own, without the copy.
            MaskKey key{};
            if (s.role == Role::client) {
                if (auto ec = s.next_mask_key(key)) return ec;
            }
            auto r = s.send_frame(make_header(type_, false, s.role, key), {p, left});
            type_ = Opcode::continuation;
            if (!r) return r.error();
            return size;
        }
        const std::size_t take = std::min(left, room - s.wlen);
        std::memcpy(s.write_buffer() + max_header_size + s.wlen, p, take);
        s.wlen += take;
        p += take;
        left -= take;
        // A full buffer leaves as a non-final fragment, but only when more bytes follow: the
        // last bytes wait for close(), which sends them with FIN set.
        if (s.wlen == room && left > 0) {
            auto r = s.send_buffered(type_, false);
            type_ = Opcode::continuation;
            if (!r) return r.error();
        }
    }
    return size;
}

Result<void> MessageWriter::close() {
    if (s_ == nullptr) return {};
    auto& s = *std::exchange(s_, nullptr);
    Result<void> r;
    if (compressed_) {
        r = s.deflate_into_buffer(type_, {}, /*last=*/true);
        std::lock_guard lock(s.write_mu);
        s.release_write_buffer();
    } else {
        std::lock_guard lock(s.write_mu);
        if (auto ec = s.write_state()) {
            r = ec;
        } else {
            r = s.send_buffered(type_, true);
        }
        s.release_write_buffer();
    }
    s.wlen = 0;
    detail::end_writing(s);
    return r;
}

}  // namespace wire::websocket
