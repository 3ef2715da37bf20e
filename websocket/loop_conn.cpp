// LoopConn, receiving side and lifecycle: reads, frames, control frames, timers, closing.
// The sending side is in loop_conn_send.cpp.
// wire:glue
#include "websocket/loop_conn.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>

#include "net/error.hpp"
#include "websocket/detail/loop_codecs.hpp"
#include "websocket/detail/loop_state.hpp"
#include "websocket/engine.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

namespace {

constexpr bool on(net::EventLoop::Duration d) {
    return d > net::EventLoop::Duration::zero();
}

// An idle connection costs at most 256 bytes of the server's memory (docs/performance.md,
// "Idle connections"): this object in a 144-byte malloc block, its timer's 8-byte entry in the
// loop's heap, its 8-byte slot in the loop's fd table and 16 in the connection table, with
// room left for those tables' growth (and, on io_uring, the backend's 12 bytes an fd). What
// only a busy connection needs waits behind extra_.
constexpr std::size_t idle_object_budget = 136;

}  // namespace

static_assert(sizeof(LoopConn) <= idle_object_budget || sizeof(void*) > 8);

LoopConn::LoopConn(detail::LoopState& state, net::Socket socket, const Endpoint& endpoint,
                   std::uint32_t slot, std::uint32_t generation)
    : state_(state),
      endpoint_(endpoint),
      socket_(std::move(socket)),
      slot_(slot),
      generation_(generation),
      timer_([](net::Timer&, void* me) { static_cast<LoopConn*>(me)->on_timer(); }, this) {}

LoopConn::~LoopConn() = default;

net::EventLoop& LoopConn::loop() const noexcept {
    return state_.loop;
}

ConnHandle LoopConn::handle() const noexcept {
    return closed_ ? ConnHandle{} : ConnHandle(&state_, slot_, generation_);
}

void LoopConn::subscribe(std::string_view topic) {
    state_.engine.hub().subscribe(*this, topic);
}

void LoopConn::unsubscribe(std::string_view topic) {
    state_.engine.hub().unsubscribe(*this, topic);
}

std::size_t LoopConn::memory_usage() const noexcept {
    // The object, what it holds while busy, its timer's entry in the loop's heap, and its slots
    // in the loop's fd table and in ours.
    std::size_t extra = 0;
    if (const Extra* x = extra_.get()) {
        extra = sizeof(Extra) + x->partial_cap + x->message.capacity() +
                x->queue.capacity() * sizeof(Queued) + x->held.capacity() * sizeof(Held) +
                x->topics.capacity() * sizeof(detail::Topic*) + x->close_reason.capacity() +
                x->sent.memory_in_use() + x->received.memory_in_use();
        if (x->inflater) extra += sizeof(MessageInflater) + x->inflater->memory_in_use();
    }
    return sizeof(LoopConn) + extra + sizeof(void*) + net::EventLoop::slot_bytes +
           detail::LoopState::slot_bytes;
}

bool LoopConn::Extra::empty() const noexcept {
    return queue.empty() && held.empty() && !partial && message.capacity() == 0 && topics.empty() &&
           close_reason.empty() && !reader && !inflater && sent.empty() && received.empty();
}

LoopConn::Extra& LoopConn::extra() {
    if (!extra_) extra_ = std::make_unique<Extra>();
    return *extra_;
}

// An idle connection keeps nothing but its object.
void LoopConn::release_extra_if_idle() noexcept {
    if (extra_ && !closed_ && extra_->empty()) extra_.reset();
}

ReaderOptions LoopConn::reader_options() const noexcept {
    // RFC 7692 §6: RSV1 marks a compressed message, allowed once permessage-deflate is agreed.
    return ReaderOptions{Role::server, endpoint_.options.limits.frame,
                         endpoint_.options.stream_fragments,
                         has(kDeflate) ? rsv1 : std::uint8_t{0}};
}

// Called by Engine::adopt, before start(), when the handshake agreed on permessage-deflate.
void LoopConn::use_deflate(const DeflateParams& params) {
    set(kDeflate, true);
    set(kWriteCompression, true);
    send_bits_ = static_cast<std::uint8_t>(params.send_window_bits(Role::server));
    recv_bits_ = static_cast<std::uint8_t>(params.receive_window_bits(Role::server));
    set(kSendNoTakeover, params.send_no_context_takeover(Role::server));
    set(kRecvNoTakeover, params.receive_no_context_takeover(Role::server));
    (void)set_compression_level(endpoint_.options.compression.level);
}

bool LoopConn::compresses(std::size_t size) const noexcept {
    return has(kWriteCompression) && size >= endpoint_.options.compression.threshold;
}

bool LoopConn::set_compression_level(int level) noexcept {
    if (level < 0 || level > 9) return false;
    level_ = static_cast<std::uint8_t>(level);  // the loop's deflater takes it per message
    return true;
}

// Called by Engine::adopt once the connection is registered.
void LoopConn::start(std::span<const std::uint8_t> already_read) {
    last_read_ = last_message_ = state_.loop.now();
    opened_ = true;
    arm_timer();
    if (endpoint_.handlers.on_open) endpoint_.handlers.on_open(*this);
    if (closed_ || already_read.empty()) return;
    // Bytes that came with the handshake are handled as if just read: in the loop's buffer, or
    // in one of the connection's own when they are more than it holds (a server configured for
    // long handshakes), so that none is lost.
    const bool own = already_read.size() > detail::LoopState::rx_size;
    if (own) {
        Extra& x = extra();
        x.partial = std::make_unique_for_overwrite<std::uint8_t[]>(already_read.size());
        x.partial_len = x.partial_cap = static_cast<std::uint32_t>(already_read.size());
    }
    const std::span<std::uint8_t> buf{own ? extra_->partial.get() : state_.rx(),
                                      already_read.size()};
    std::memcpy(buf.data(), already_read.data(), buf.size());
    state_.in_read = true;
    const std::size_t used = process(buf);
    if (!closed_) keep_leftover(buf.subspan(used), own);
    state_.in_read = false;
    state_.flush_cork();
    release_extra_if_idle();
}

// Level-triggered: one read per readiness (event_loop.hpp explains why).
void LoopConn::on_readable() {
    assert(state_.loop.in_loop_thread());
    if (closed_) return;
    if (partial_len() == 0 && read_in_place()) return;
    const std::uint32_t held = partial_len();
    const bool from_partial = held > 0;
    std::uint8_t* base = state_.rx();
    std::size_t room = detail::LoopState::rx_size;
    if (from_partial) {
        // Read behind the bytes already held, growing the buffer with them (see partial_size).
        const std::size_t want = partial_size(held);
        if (extra_->partial_cap < want) reallocate_partial(want);
        base = extra_->partial.get();
        room = extra_->partial_cap - held;
    }
    const std::size_t before = held;
    // Through the loop, which may have received the bytes already (EventLoop::receive_ahead).
    const long n = state_.loop.receive(socket_.fd(), base + before, room);
    if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) terminate(close_code::abnormal);
        return;
    }
    if (n == 0) {  // end of stream without a close frame (RFC 6455 §7.1.5: 1006)
        terminate(close_code::abnormal);
        return;
    }
    heard_from_peer();
    state_.in_read = true;
    const std::span<std::uint8_t> buf{base, before + static_cast<std::size_t>(n)};
    const std::size_t used = process(buf);
    if (!closed_) keep_leftover(buf.subspan(used), from_partial);
    state_.in_read = false;
    state_.flush_cork();
    release_extra_if_idle();
}

// On io_uring the loop holds the bytes the kernel received ahead in its own buffers: frames are
// read (and unmasked) there, with no copy into the loop's read buffer. Only a frame cut at a
// buffer's end is copied, once it has arrived whole (and fits), into the read buffer and read
// there; a cut frame still arriving, or larger, waits in the partial buffer. Returns false when no
// bytes wait in place (epoll, or the end of the stream): the caller reads as usual.
bool LoopConn::read_in_place() {
    const int fd = socket_.fd();
    std::span<std::uint8_t> view = state_.loop.peek_received(fd);
    if (view.empty()) return false;
    heard_from_peer();
    state_.in_read = true;
    while (!view.empty() && !closed_) {
        const std::size_t used = process(view);
        if (closed_) break;  // remove() has dropped the held bytes, `view` with them
        const std::span<std::uint8_t> rest = view.subspan(used);
        if (rest.empty() || !read_cut_frame(fd, rest, view.size())) {
            keep_leftover(rest, false);
            state_.loop.discard_received(fd, view.size());
        }
        if (partial_len() > 0) break;  // the next readable event goes on from there
        view = state_.loop.peek_received(fd);
    }
    state_.in_read = false;
    state_.flush_cork();
    release_extra_if_idle();
    return true;
}

// A frame begins in `rest`, the end of a held buffer of `in_view` bytes, and runs on into the
// next ones. Once all of it has arrived (and it fits), it is gathered in the loop's read buffer
// and read there (no allocation); false if not, and nothing is taken. A header cut short asks
// only for itself; the payload behind it is gathered next. Whatever is left once a frame ends,
// or once the bytes run out, goes back to reading in place or to the partial buffer.
bool LoopConn::read_cut_frame(int fd, std::span<const std::uint8_t> rest, std::size_t in_view) {
    // The need_ bytes the reader waits for: `have` of them in hand, `held` more with the loop.
    const auto arrived = [this](std::size_t have, std::size_t held) {
        return need_ > have && need_ <= detail::LoopState::rx_size && held >= need_ - have;
    };
    if (!arrived(rest.size(), state_.loop.received_ahead(fd) - in_view)) return false;
    std::uint8_t* const base = state_.rx();
    std::memcpy(base, rest.data(), rest.size());
    state_.loop.discard_received(fd, in_view);
    std::size_t len = rest.size();
    while (len > 0 && arrived(len, state_.loop.received_ahead(fd))) {
        const long n = state_.loop.receive(fd, base + len, need_ - len);
        if (n <= 0) break;
        len += static_cast<std::size_t>(n);
        const std::size_t used = process({base, len});
        if (closed_) return true;
        std::memmove(base, base + used, len - used);
        len -= used;
    }
    keep_leftover({base, len}, false);
    return true;
}

// Any byte shows the peer is alive: the next ping is due a whole interval from now.
void LoopConn::heard_from_peer() {
    last_read_ = state_.loop.now();
    if (ping_outstanding_) {
        ping_outstanding_ = false;
        arm_timer();  // once per ping interval, not per read
    }
}

// The buffer for an incomplete frame holding `held` bytes: room for the frame the reader waits
// for, but never more than twice what has arrived (at least 4 KiB). `need_` is what the frame
// header claims, so a peer that announces 16 MiB and stalls costs what it sent, not 16 MiB;
// an honest large frame still arrives in O(log n) reallocations. The floor of min_buffer_size
// covers a header cut short, whose hint (2 to 14 bytes) says nothing of the frame behind it.
std::size_t LoopConn::partial_size(std::size_t held) const noexcept {
    const std::size_t frame = std::max<std::size_t>(need_, min_buffer_size);
    const std::size_t arrived = std::max<std::size_t>(2 * held, 4096);
    return std::max(std::min(frame, arrived), held + 1);
}

// Moves the held bytes into a buffer of `cap` bytes (not zero-filled: only read bytes are used).
void LoopConn::reallocate_partial(std::size_t cap) {
    Extra& x = extra();
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
    if (x.partial_len > 0) std::memcpy(bigger.get(), x.partial.get(), x.partial_len);
    x.partial = std::move(bigger);
    x.partial_cap = static_cast<std::uint32_t>(cap);
}

// Keeps the bytes of an incomplete frame for the next read; an idle connection keeps none.
void LoopConn::keep_leftover(std::span<const std::uint8_t> rest, bool from_partial) {
    if (rest.empty()) {
        if (extra_) {
            extra_->partial.reset();
            extra_->partial_len = extra_->partial_cap = 0;
        }
        return;
    }
    Extra& x = extra();
    const std::size_t want = partial_size(rest.size());
    // A buffer grown for a large frame that has now completed shrinks back to the next one's
    // share (otherwise a peer could pin its largest frame's buffer by stalling right after it).
    if (from_partial && x.partial_cap <= 4 * want) {
        std::memmove(x.partial.get(), rest.data(), rest.size());
    } else {
        auto fresh = std::make_unique_for_overwrite<std::uint8_t[]>(want);
        std::memcpy(fresh.get(), rest.data(), rest.size());  // `rest` may be in the old buffer
        x.partial = std::move(fresh);
        x.partial_cap = static_cast<std::uint32_t>(want);
    }
    x.partial_len = static_cast<std::uint32_t>(rest.size());
}

// Hands `buf` to the frame reader until it needs more; returns the bytes consumed. Between
// messages the reader holds nothing of the connection, so a read starts from a fresh one on the
// stack; only a reader left inside a message or a frame is kept (in Extra) for the next read.
std::size_t LoopConn::process(std::span<std::uint8_t> buf) {
    if (extra_ && extra_->reader) {
        // The saved reader stays in Extra while it works (a handler may send, growing Extra's
        // queue, but Extra itself stays put); it goes once back at a boundary.
        const std::size_t used = process_with(*extra_->reader, buf);
        if (!closed_ && extra_->reader->at_message_boundary()) extra_->reader.reset();
        return used;
    }
    FrameReader fresh(reader_options());
    const std::size_t used = process_with(fresh, buf);
    if (!closed_ && !fresh.at_message_boundary()) extra().reader.emplace(fresh);
    return used;
}

std::size_t LoopConn::process_with(FrameReader& reader, std::span<std::uint8_t> buf) {
    std::size_t off = 0;
    while (!closed_ && !close_received_ && !fail_) {
        const auto [consumed, ev] = reader.consume(buf.subspan(off));
        off += consumed;
        if (endpoint_.options.trace && ev.frame_begin) [[unlikely]]
            trace_frame(endpoint_.options.trace, reader.frame_header(), ev.payload,
                        Direction::received);
        switch (ev.type) {
            case EventType::need_more:
                need_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(ev.need, UINT32_MAX));
                return off;
            case EventType::error:
                fail(ev.error);
                return buf.size();
            case EventType::control:
                on_control(ev);
                break;
            case EventType::data:
                on_data(ev);
                break;
        }
    }
    return buf.size();  // closing: what follows the close frame is ignored (RFC 6455 §5.5.1)
}

void LoopConn::on_data(const Event& ev) {
    if (ev.message_end) last_message_ = state_.loop.now();
    // RFC 7692 §6.1: RSV1 on a message's first frame (FrameReader allows it only when
    // negotiated) says the whole message is compressed.
    if (ev.message_begin) set(kMsgCompressed, (ev.rsv & rsv1) != 0);
    if (has(kMsgCompressed)) return on_compressed(ev);
    if (endpoint_.options.stream_fragments) {
        auto& c = state_.counters;
        if (ev.message_end) detail::LoopCounters::add(c.messages_in, 1);
        detail::LoopCounters::add(c.bytes_in, ev.payload.size());
        if (endpoint_.handlers.on_fragment) {
            endpoint_.handlers.on_fragment(
                *this, Fragment{ev.opcode, ev.payload, ev.message_begin, ev.message_end});
        }
        return;
    }
    if (ev.message_begin && ev.message_end) {  // the common case: one frame, zero copy
        deliver(ev.opcode, ev.payload);
        return;
    }
    // RFC 6455 §5.4: a fragmented message is joined (FrameReader bounds its total size).
    auto& message = extra().message;
    if (ev.message_begin) {
        message.clear();
        message_opcode_ = ev.opcode;
    }
    message.insert(message.end(), ev.payload.begin(), ev.payload.end());
    if (!ev.message_end) return;
    std::vector<std::uint8_t> whole;
    whole.swap(message);  // the connection keeps no buffer once the message is out
    deliver(message_opcode_, whole);
}

// A compressed message's bytes (RFC 7692 §7.2.2), inflated as they arrive and handed on whole
// (or piece by piece with stream_fragments). A message that arrives in one read goes through
// the loop's shared inflater, starting from the connection's history with context takeover
// (§7.2.3.2); one in pieces through an inflater of its own until it ends. Either way the
// connection keeps at most its history between messages. The limit counts inflated bytes,
// enforced while inflating (1009 at its first extra byte).
void LoopConn::on_compressed(const Event& ev) {
    detail::LoopCodecs& shared = state_.codecs();
    const std::uint64_t limit = endpoint_.options.limits.frame.max_message_size;
    const bool whole = ev.message_begin && ev.message_end;
    const bool streaming = endpoint_.options.stream_fragments;
    const bool fresh = has(kRecvNoTakeover);
    MessageInflater* inf = nullptr;
    if (whole) {
        inf = &shared.fresh_inflater(recv_bits_, limit);
    } else {
        auto& own = extra().inflater;
        if (!own) own = std::make_unique<MessageInflater>(recv_bits_, true, limit);
        inf = own.get();
    }
    if (ev.message_begin) {
        inf->begin_message(ev.opcode == Opcode::text);
        if (!fresh) inf->set_history(extra().received.bytes());
        message_opcode_ = ev.opcode;
        if (extra_) extra_->message.clear();
        // §6.1 lets the sender cut the compressed data anywhere: the first frame may inflate to
        // nothing (no bytes, or one byte of a block header), so `first` marks the first piece
        // handed on, whichever frame it comes from.
        set(kMsgFirstPiece, true);
    }
    detail::ByteBuffer& out = shared.inflated;
    out.size = 0;
    std::span<const std::uint8_t> in = ev.payload;
    for (;;) {
        if (out.capacity - out.size < 1024)
            out.reserve(out.size + std::max<std::size_t>(out.size, 16384));
        const std::size_t room = out.capacity - out.size;
        const auto r = inf->inflate(in, out.room(), ev.message_end);
        in = in.subspan(r.consumed);
        if (r.error) return fail(r.error);
        // §7.2.3.2: what the peer's next messages may refer back to.
        if (!fresh) extra().received.append(out.room().first(r.produced), recv_bits_);
        out.size += r.produced;
        const bool done = inf->message_done();
        if (streaming && (out.size > 0 || done)) {
            auto& c = state_.counters;
            if (done) detail::LoopCounters::add(c.messages_in, 1);
            detail::LoopCounters::add(c.bytes_in, out.size);
            const bool first = has(kMsgFirstPiece);
            set(kMsgFirstPiece, false);
            if (endpoint_.handlers.on_fragment)
                endpoint_.handlers.on_fragment(*this,
                                               Fragment{message_opcode_, out.bytes(), first, done});
            out.size = 0;
            if (closed_) return;
        }
        // All of `in` read with the room full: the inflater may still owe bytes (the rest of a
        // long match). They belong to this frame, are checked as UTF-8 and handed on now, not
        // when the next frame comes (RFC 6455 §8.1: fail fast).
        if (done || (in.empty() && !ev.message_end && r.produced < room)) break;
    }
    const bool done = inf->message_done();
    if (done && endpoint_.options.trace) [[unlikely]] {
        const auto whole_message = streaming ? std::span<const std::uint8_t>{} : out.bytes();
        trace_compression(
            endpoint_.options.trace, Direction::received, message_opcode_, inf->message_input(),
            whole ? whole_message : std::span<const std::uint8_t>{}, inf->message_size());
    }
    if (done && extra_ && extra_->inflater) {  // only the history stays between messages
        extra_->inflater.reset();
    }
    if (streaming) return;
    if (whole) return deliver(message_opcode_, out.bytes());
    const auto piece = out.bytes();
    auto& message = extra().message;
    message.insert(message.end(), piece.begin(), piece.end());
    if (!done) return;
    std::vector<std::uint8_t> joined;
    joined.swap(message);  // the connection keeps no buffer once the message is out
    deliver(message_opcode_, joined);
}

void LoopConn::deliver(Opcode op, std::span<const std::uint8_t> payload) {
    auto& c = state_.counters;
    detail::LoopCounters::add(c.messages_in, 1);
    detail::LoopCounters::add(c.bytes_in, payload.size());
    if (endpoint_.handlers.on_message)
        endpoint_.handlers.on_message(*this, LoopMessage{op, payload});
}

void LoopConn::on_control(const Event& ev) {
    switch (ev.opcode) {
        case Opcode::ping:
            // RFC 6455 §5.5.2: answer with a pong carrying the same application data.
            (void)send_control(Opcode::pong, ev.payload);
            if (endpoint_.handlers.on_ping) endpoint_.handlers.on_ping(*this, ev.payload);
            break;
        case Opcode::pong:  // §5.5.3: may be unsolicited; either way the peer is alive
            if (endpoint_.handlers.on_pong) endpoint_.handlers.on_pong(*this, ev.payload);
            break;
        case Opcode::close:
            close_received_ = true;
            close_code_ = ev.close.code;
            if (has(kOutOpen)) abandon_message();  // never finished: see send_first_fragment
            if (!ev.close.reason.empty()) extra().close_reason.assign(ev.close.reason);
            if (!close_sent_) {
                // RFC 6455 §5.5.1: answer with a close frame, typically echoing the status code.
                std::array<std::uint8_t, 2 + max_close_reason> body{};
                std::error_code ec;
                const std::size_t n = encode_close_payload(ev.close.code, {}, body, ec);
                close_sent_ = true;
                (void)send_control(Opcode::close, {body.data(), ec ? 0 : n});
            }
            finish_if_done();  // RFC 6455 §7.1.1: the server closes TCP first
            break;
        default:
            break;
    }
}

// RFC 6455 §7.1.7 "Fail the WebSocket Connection": send a close frame with the code for the
// error (1002, 1007, 1009), then close TCP without waiting for an answer.
void LoopConn::fail(std::error_code ec) {
    std::uint16_t code = close_code::protocol_error;
    if (ec.category() == error_category()) code = close_code_for(static_cast<Error>(ec.value()));
    fail_ = true;
    if (!close_sent_) close(code, ec.message());
    close_code_ = code;
    finish_if_done();
}

void LoopConn::close(std::uint16_t code, std::string_view reason) {
    assert(state_.loop.in_loop_thread());
    if (close_sent_ || closed_) return;
    if (has(kOutOpen)) abandon_message();  // never finished: see send_first_fragment
    std::array<std::uint8_t, 2 + max_close_reason> body{};
    reason = fit_close_reason(reason);
    std::error_code ec;
    std::size_t n = encode_close_payload(code, reason, body, ec);
    if (ec) n = encode_close_payload(code, {}, body, ec);  // a bad reason: send the code alone
    if (ec) n = 0;                                         // a code that may not be sent: none
    close_sent_ = true;
    if (close_code_ == close_code::abnormal && !close_received_) close_code_ = code;
    mark_ = state_.loop.now();
    (void)send_control(Opcode::close, {body.data(), n});
    arm_timer();
    finish_if_done();
}

// Closes TCP once both close frames have passed (or we failed the connection) and ours is out.
void LoopConn::finish_if_done() {
    if (closed_ || !close_sent_ || !(close_received_ || fail_)) return;
    if (!queue_empty() || state_.cork_owner() == this) return;  // our close frame is still here
    // A peer that closed gets its answer; with no peer close the report says why we ended it.
    terminate(close_code_);
}

// The single timer serves every timeout: it fires at the earliest deadline and re-arms itself.
// Reads only record the time (no timer work per read).
void LoopConn::arm_timer() {
    const auto& t = endpoint_.options.timeouts;
    TimePoint when = TimePoint::max();
    if (close_sent_) {
        if (on(t.close)) when = mark_ + t.close;
    } else {
        if (on(t.idle)) when = std::min(when, last_message_ + t.idle);
        if (ping_outstanding_ && on(t.pong_timeout)) when = std::min(when, mark_ + t.pong_timeout);
        if (!ping_outstanding_ && on(t.ping_interval))
            when = std::min(when, last_read_ + t.ping_interval);
    }
    if (when == TimePoint::max()) {
        state_.loop.cancel(timer_);
    } else {
        state_.loop.arm(timer_, when);
    }
}

void LoopConn::on_timer() {
    const auto& t = endpoint_.options.timeouts;
    const TimePoint now = state_.loop.now();
    if (close_sent_) {
        if (on(t.close) && now >= mark_ + t.close) {
            terminate(close_received_ ? close_code_ : close_code::abnormal);
            return;
        }
    } else if (on(t.idle) && now >= last_message_ + t.idle) {
        close(close_code::going_away, "idle timeout");
        return;  // close() re-armed the timer for the close timeout
    } else if (ping_outstanding_) {
        if (on(t.pong_timeout) && now >= mark_ + t.pong_timeout) {
            terminate(close_code::abnormal);  // the peer is gone: nothing to say to it
            return;
        }
    } else if (on(t.ping_interval) && now >= last_read_ + t.ping_interval) {
        ping_outstanding_ = ping();
        mark_ = now;
    }
    arm_timer();
}

void LoopConn::on_error() {
    terminate(close_code::abnormal);
}

// Closes the socket, reports on_close once, and leaves the object to be deleted at the end of
// the pass (callers up the stack may still use it).
void LoopConn::terminate(std::uint16_t code) {
    if (closed_) return;
    closed_ = true;
    (void)state_.loop.remove(socket_.fd());
    (void)socket_.close();
    state_.loop.cancel(timer_);
    state_.discard_cork(*this);
    set(kOutOpen, false);  // a message sent in fragments ends unfinished, like the connection
    // Extra stays (only emptied): a handler up the stack may be reading a payload in its
    // partial frame (a send that failed inside on_message ends the connection there). It goes
    // with the object.
    if (Extra* x = extra_.get()) {
        detail::LoopCounters::sub(state_.counters.queued_bytes, x->queued_bytes);
        x->queue.clear();
        x->held.clear();  // counted in queued_bytes
        x->queued_bytes = 0;
        for (detail::Topic* t : x->topics) {
            auto& subs = t->subscribers;
            subs.erase(std::find(subs.begin(), subs.end(), this));
            state_.drop_topic_if_empty(t);
        }
        x->topics.clear();
    }
    state_.release_slot(slot_);
    detail::LoopCounters::sub(state_.counters.connections, 1);
    state_.engine.open_connections().fetch_sub(1, std::memory_order_relaxed);
    state_.counters.count_close(code);
    if (opened_ && endpoint_.handlers.on_close) {
        endpoint_.handlers.on_close(*this, code,
                                    extra_ ? std::string_view(extra_->close_reason) : "");
    }
    state_.bury(this);
}

}  // namespace wire::websocket
