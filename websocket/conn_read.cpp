// wire:glue
// The read side of websocket::Conn: frames from the socket through FrameReader (streaming mode)
// into messages, with control frames answered on the way.
#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>
#include <utility>

#include "net/error.hpp"
#include "websocket/conn.hpp"
#include "websocket/detail/codec_pool.hpp"
#include "websocket/detail/conn_state.hpp"
#include "websocket/error.hpp"

namespace wire::websocket {

namespace detail {

namespace {

// One reader at a time. close() may read on behalf of nobody; a read that arrives meanwhile
// waits for it and then finds the sticky error close() left.
class ReadGuard {
  public:
    explicit ReadGuard(ConnState& s) : s_(s) {
        if (!s_.read_mu.try_lock()) {
            assert(s_.closing.load() && "websocket::Conn: two threads read at once");
            s_.read_mu.lock();
        }
    }
    ~ReadGuard() { s_.read_mu.unlock(); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

  private:
    ConnState& s_;
};

constexpr auto control_write_wait = std::chrono::seconds(1);  // gorilla's writeWait

}  // namespace

std::error_code ConnState::fail_read(std::error_code ec) {
    read_err = ec;
    pending = {};
    msg_open = false;
    {
        std::lock_guard lock(state_mu);
        read_done = true;
    }
    state_cv.notify_all();
    return ec;
}

// RFC 6455 §7.1.7: fail the connection, telling the peer why (1002, 1007, 1009) while we may.
std::error_code ConnState::fail_protocol(std::error_code ec) {
    // The reason is the error's message, as the event-driven LoopConn sends: a peer's log then
    // says which rule was broken, not just "1002".
    const std::uint16_t code = close_code_for(static_cast<Error>(ec.value()));
    std::uint8_t payload[2 + max_close_reason];
    std::error_code encode_error;
    const std::string explanation = ec.message();
    std::size_t n =
        encode_close_payload(code, fit_close_reason(explanation), payload, encode_error);
    if (encode_error) n = encode_close_payload(code, {}, payload, encode_error);
    if (!close_sent.load()) {
        (void)write_control_frame(Opcode::close, {payload, n}, Clock::now() + control_write_wait);
    }
    return fail_read(ec);
}

// Reads until at least `need` unconsumed bytes are buffered (need <= rcap: FrameReader asks for
// a header or a whole control frame at most, both within min_buffer_size).
std::error_code ConnState::fill(std::uint64_t need) {
    assert(pending.empty() && "fill() would move bytes a payload view points at");
    if (rstart > 0) {
        std::memmove(rbuf.get(), rbuf.get() + rstart, rend - rstart);
        rend -= rstart;
        rstart = 0;
    }
    assert(need <= rcap);
    while (rend < need) {
        auto n = net.read(rbuf.get() + rend, rcap - rend);
        if (!n) return n.error();
        // RFC 6455 §7.1.5: a TCP close without a close frame is status 1006.
        if (*n == 0) {
            {
                std::lock_guard lock(state_mu);
                peer_close = {close_code::abnormal, "unexpected EOF"};
            }
            return make_close_error_code(close_code::abnormal);
        }
        rend += *n;
    }
    return {};
}

std::error_code ConnState::on_control(const Event& ev) {
    // A copy of the handler for this frame (see handler_mu); control frames are rare enough.
    const auto handler_for = [this](const auto& handler) {
        std::lock_guard lock(handler_mu);
        return handler;
    };
    if (ev.opcode == Opcode::ping) {
        if (const Conn::PingHandler ping = handler_for(ping_handler)) return ping(ev.payload);
        // gorilla's default: answer with a pong carrying the same payload (RFC 6455 §5.5.2).
        // A failed write shows up on the writer; the reader goes on.
        (void)write_control_frame(Opcode::pong, ev.payload, Clock::now() + control_write_wait);
        return {};
    }
    if (ev.opcode == Opcode::pong) {
        const Conn::PingHandler pong = handler_for(pong_handler);
        return pong ? pong(ev.payload) : std::error_code{};
    }
    // A close frame (RFC 6455 §5.5.1): remember it, let the handler answer, end reading.
    {
        std::lock_guard lock(state_mu);
        peer_close = {ev.close.code, std::string(ev.close.reason)};
        close_received = true;
    }
    std::error_code ec;
    if (const Conn::CloseHandler on_close = handler_for(close_handler)) {
        ec = on_close(ev.close.code, ev.close.reason);
    } else if (!close_sent.load()) {
        // Echo the code (§5.5.1: "the endpoint typically echos the status code it received").
        std::uint8_t payload[2] = {static_cast<std::uint8_t>(ev.close.code >> 8),
                                   static_cast<std::uint8_t>(ev.close.code & 0xFF)};
        const std::size_t len = ev.close.code == close_code::no_status ? 0 : 2;
        (void)write_control_frame(Opcode::close, {payload, len}, Clock::now() + control_write_wait);
    }
    return ec ? ec : make_close_error_code(ev.close.code);
}

// The next data event; control frames are handled on the way. read_mu held.
std::error_code ConnState::next_event(Event& ev) {
    if (read_err) return read_err;
    for (;;) {
        const auto r = reader.consume({rbuf.get() + rstart, rend - rstart});
        rstart += r.consumed;
        trace_received(r);
        switch (r.event.type) {
            case EventType::data:
                ev = r.event;
                return {};
            case EventType::control:
                if (auto ec = on_control(r.event)) return fail_read(ec);
                break;
            case EventType::error:
                return fail_protocol(r.event.error);
            case EventType::need_more:
                if (auto ec = fill(r.event.need)) return fail_read(ec);
                break;
        }
    }
}

// Like next_event, but when the read buffer is empty in the middle of a frame's payload, reads
// that payload straight into `dst` (up to `room` bytes) and unmasks it there: a large message
// is copied once, by the kernel.
std::error_code ConnState::next_event_into(Event& ev, std::uint8_t* dst, std::size_t room) {
    if (read_err) return read_err;
    const std::uint64_t remaining = reader.payload_remaining();
    if (rstart != rend || remaining == 0 || room < rcap / 2) return next_event(ev);
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, room));
    auto n = net.read(dst, want);
    if (!n) return fail_read(n.error());
    if (*n == 0) {
        {
            std::lock_guard lock(state_mu);
            peer_close = {close_code::abnormal, "unexpected EOF"};
        }
        return fail_read(make_close_error_code(close_code::abnormal));
    }
    const auto r = reader.consume({dst, *n});
    if (r.event.type == EventType::error) return fail_protocol(r.event.error);
    trace_received(r);
    assert(r.event.type == EventType::data && r.consumed == *n);
    ev = r.event;
    return {};
}

// A compressed message begins (its first frame had RSV1, RFC 7692 §6.1): an inflater from the
// thread's pool, starting from this connection's history with context takeover (§7.2.3.2),
// from none without.
void ConnState::begin_inflate() {
    const int bits = deflate_params->receive_window_bits(role);
    if (!inflater) inflater = take_inflater(bits, read_limit);
    inflater->begin_message(msg_type == Opcode::text);
    inflater->set_history(deflate_params->receive_no_context_takeover(role)
                              ? std::span<const std::uint8_t>{}
                              : received_history.bytes());
}

// The message is inflated: with context takeover its last bytes are what the peer's next
// message may refer back to; the inflater goes back to the thread.
void ConnState::end_inflate() noexcept {
    if (!deflate_params->receive_no_context_takeover(role))
        received_history.take_from(*inflater, deflate_params->receive_window_bits(role));
    give_back(std::move(inflater));
}

// Inflates `in`, the compressed message's next payload bytes (`last`: its final ones), onto the
// end of `out`, which grows with what comes out: never to what a peer claims, and at most one
// byte past the read limit (MessageInflater stops there).
std::error_code ConnState::inflate_into(std::span<const std::uint8_t> in, bool last,
                                        ByteBuffer& out) {
    for (;;) {
        // From 256 bytes, doubling: a small message leaves a small buffer behind.
        if (out.capacity - out.size < 64)
            out.reserve(out.size + std::max<std::size_t>(out.size, 256));
        const std::size_t room = out.capacity - out.size;
        const auto r = inflater->inflate(in, {out.data.get() + out.size, room}, last);
        out.size += r.produced;
        in = in.subspan(r.consumed);
        if (r.error) return fail_protocol(r.error);
        // With all of `in` read, bytes may still be owed (the rest of a long match) when the
        // room ran out: they belong to this frame, and are checked as UTF-8 now, not when the
        // next frame comes (RFC 6455 §8.1: fail fast).
        if (inflater->message_done() || (in.empty() && !last && r.produced < room)) return {};
    }
}

// The rest of a compressed message nobody reads still goes through the inflater: with context
// takeover the next message may refer back into it.
std::error_code ConnState::skip_compressed() {
    std::uint8_t sink[4096];
    for (;;) {
        // A full sink may leave bytes owed even with `pending` all read: go on until it is not.
        bool sink_full = false;
        while (!inflater->message_done() && (!pending.empty() || !msg_open || sink_full)) {
            const auto r = inflater->inflate(pending, sink, !msg_open);
            pending = pending.subspan(r.consumed);
            if (r.error) return fail_protocol(r.error);
            sink_full = r.produced == sizeof sink;
        }
        if (!msg_open) {
            end_inflate();
            return {};
        }
        pending = {};
        Event ev;
        if (auto ec = next_event(ev)) return ec;
        msg_open = !ev.message_end;
        pending = ev.payload;
    }
}

// Skips what is left of the current message, then starts the next one.
std::error_code ConnState::begin_message() {
    // The last message's view is dead: its inflated bytes' buffer goes back to the thread.
    if (inflated.data) give_back(std::exchange(inflated, ByteBuffer{}));
    Event ev;
    // A compressed message still holds its inflater until its end.
    if (msg_compressed && inflater) {
        if (auto ec = skip_compressed()) return ec;
    }
    while (msg_open) {
        pending = {};
        if (auto ec = next_event(ev)) return ec;
        msg_open = !ev.message_end;
    }
    pending = {};
    if (auto ec = next_event(ev)) return ec;
    assert(ev.message_begin);  // FrameReader rejects a continuation outside a message
    ++msg_seq;
    msg_type = ev.opcode;
    pending = ev.payload;
    msg_open = !ev.message_end;
    // RFC 7692 §6.1: RSV1 on the first frame (FrameReader allows it only when negotiated).
    msg_compressed = (ev.rsv & rsv1) != 0;
    if (msg_compressed) begin_inflate();
    return {};
}

// read_message for a compressed message: every frame inflated into the assembly buffer.
Result<Message> ConnState::read_compressed() {
    inflated = take_buffer(256);
    if (auto ec = inflate_into(pending, !msg_open, inflated)) return ec;
    pending = {};
    while (msg_open) {
        Event ev;
        if (auto ec = next_event(ev)) return ec;
        msg_open = !ev.message_end;
        if (auto ec = inflate_into(ev.payload, ev.message_end, inflated)) return ec;
    }
    if (trace) [[unlikely]]
        trace_compression(trace, Direction::received, msg_type, inflater->message_input(),
                          inflated.bytes(), inflated.size);
    end_inflate();
    return Message{msg_type, inflated.bytes()};
}

// MessageReader::read for a compressed message: inflates straight into the caller's buffer.
Result<std::size_t> ConnState::read_inflated(std::span<std::uint8_t> out) {
    if (out.empty()) return std::size_t{0};
    for (;;) {
        if (!inflater) return std::size_t{0};  // the message's end (the inflater went back)
        // The inflater is asked first, even with nothing pending: a previous call that filled
        // `out` may have left bytes owed, which come before waiting for the next frame.
        const auto r = inflater->inflate(pending, out, !msg_open);
        pending = pending.subspan(r.consumed);
        if (r.error) return fail_protocol(r.error);
        if (inflater->message_done()) {
            if (trace) [[unlikely]]
                trace_compression(trace, Direction::received, msg_type, inflater->message_input(),
                                  {}, inflater->message_size());
            end_inflate();
        }
        if (r.produced > 0) return r.produced;
        if (inflater && pending.empty() && msg_open) {
            Event ev;
            if (auto ec = next_event(ev)) return ec;
            msg_open = !ev.message_end;
            pending = ev.payload;
        }
    }
}

}  // namespace detail

Result<Message> Conn::read_message() {
    auto& s = *s_;
    detail::ReadGuard guard(s);
    if (auto ec = s.begin_message()) return ec;
    if (s.msg_compressed) return s.read_compressed();
    // An unfragmented message that arrived within the read buffer: no copy at all.
    if (!s.msg_open) {
        Message m{s.msg_type, s.pending};
        s.pending = {};
        return m;
    }
    s.message.size = 0;
    s.message.append(s.pending);
    s.pending = {};
    while (s.msg_open) {
        // Room for the rest of the frame, but never more than as much again as has arrived:
        // the header's length is only the peer's claim, and one that announces 16 MiB and
        // stalls must not cost us 16 MiB. An honest large message grows in O(log n) steps, and
        // the room stays large enough for next_event_into to read straight into it.
        const std::uint64_t remaining = s.reader.payload_remaining();
        const std::size_t step = std::max(s.message.size, s.rcap);
        if (remaining > 0) {
            s.message.reserve(s.message.size +
                              static_cast<std::size_t>(std::min<std::uint64_t>(remaining, step)));
        }
        Event ev;
        std::uint8_t* dst = s.message.data.get() + s.message.size;
        if (auto ec = s.next_event_into(ev, dst, s.message.capacity - s.message.size)) return ec;
        if (ev.payload.data() == dst) {
            s.message.size += ev.payload.size();
        } else {
            s.message.append(ev.payload);
        }
        s.msg_open = !ev.message_end;
    }
    return Message{s.msg_type, {s.message.data.get(), s.message.size}};
}

Result<MessageReader> Conn::next_reader() {
    auto& s = *s_;
    detail::ReadGuard guard(s);
    if (auto ec = s.begin_message()) return ec;
    return MessageReader(&s, s.msg_type, s.msg_seq);
}

Result<std::size_t> MessageReader::read(void* data, std::size_t size) {
    auto& s = *s_;
    detail::ReadGuard guard(s);
    if (seq_ != s.msg_seq) return std::size_t{0};  // a later message has begun
    auto* out = static_cast<std::uint8_t*>(data);
    if (s.msg_compressed) return s.read_inflated({out, size});
    while (s.pending.empty()) {
        if (!s.msg_open) {
            if (s.read_err) return s.read_err;
            return std::size_t{0};
        }
        Event ev;
        if (auto ec = s.next_event_into(ev, out, size)) return ec;
        s.msg_open = !ev.message_end;
        if (ev.payload.data() == out) return ev.payload.size();  // read straight into `data`
        s.pending = ev.payload;
    }
    const std::size_t n = std::min(size, s.pending.size());
    std::memcpy(out, s.pending.data(), n);
    s.pending = s.pending.subspan(n);
    return n;
}

void Conn::set_read_limit(std::uint64_t bytes) noexcept {
    s_->reader.set_read_limit(bytes);
    s_->read_limit = bytes;                            // what compressed messages inflate to
    if (s_->inflater) s_->inflater->set_limit(bytes);  // the message being read, too
}

void Conn::set_read_deadline(Clock::time_point t) {
    s_->net.set_read_deadline(t);
}

}  // namespace wire::websocket
