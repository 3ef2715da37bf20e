// LoopConn, sending side: the cork, the bounded send queue and the slow-consumer policy.
// wire:glue
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cerrno>
#include <cstring>

#include "net/error.hpp"
#include "net/socket.hpp"
#include "websocket/detail/loop_codecs.hpp"
#include "websocket/detail/loop_state.hpp"
#include "websocket/engine.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {
namespace {

// After a send that returned -1: the kernel has no room now (the rest waits for writability).
bool send_would_block() noexcept {
    return errno == EINTR || net::would_block(net::last_error());
}

}  // namespace

SendStatus LoopConn::send(Opcode op, std::span<const std::uint8_t> payload) {
    assert(state_.loop.in_loop_thread() && "LoopConn used off its loop: use handle()");
    assert((op == Opcode::text || op == Opcode::binary) && "send() is for data messages");
    // RFC 6455 §5.4: no frame of this message may go between the fragments of an open one.
    if (has(kOutOpen) && is_open()) return hold(op, payload, {});
    std::uint8_t rsv = 0;
    if (is_open() && compresses(payload.size())) {
        const std::span<const std::uint8_t> message = payload;
        payload = compress(payload);  // RFC 7692 §7.2.1
        rsv = rsv1;                   // §6.1: the first (here the only) frame says so
        if (endpoint_.options.trace) [[unlikely]]
            trace_compression(endpoint_.options.trace, Direction::sent, op, payload.size(), message,
                              message.size());
    }
    if (!is_open() || !make_room(frame_size(payload.size(), false))) {
        // With context takeover the message just compressed is history the peer's next
        // messages will refer to (RFC 7692 §7.2.3.2): dropping it would corrupt them, so the
        // connection ends instead (a close policy has already begun that).
        if (rsv != 0 && !has(kSendNoTakeover) && is_open())
            close(close_code::try_again_later, "slow consumer");
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    detail::LoopCounters::add(state_.counters.messages_out, 1);
    return write_or_queue(op, payload, rsv);
}

// The message compressed into the loop's scratch by the loop's deflater: from an empty history
// without context takeover, from the connection's history with it (RFC 7692 §7.2.3.2), which
// then takes the message in.
std::span<const std::uint8_t> LoopConn::compress(std::span<const std::uint8_t> payload) {
    detail::LoopCodecs& shared = state_.codecs();
    MessageDeflater& d = shared.fresh_deflater(send_bits_, level_);
    if (has(kSendNoTakeover)) return shared.compress(d, payload);
    detail::WindowHistory& history = extra().sent;
    d.set_history(history.bytes());
    const auto out = shared.compress(d, payload);
    history.append(payload, send_bits_);
    return out;
}

bool LoopConn::ping(std::span<const std::uint8_t> payload) {
    assert(state_.loop.in_loop_thread());
    if (!is_open() || payload.size() > max_control_payload) return false;
    return send_control(Opcode::ping, payload) != SendStatus::dropped;
}

// Control frames are small and must get through (a pong, our close): no queue limit.
SendStatus LoopConn::send_control(Opcode op, std::span<const std::uint8_t> payload) {
    if (closed_) return SendStatus::dropped;
    return write_or_queue(op, payload);
}

SendStatus LoopConn::send_frame(const SharedFrame& frame) {
    assert(state_.loop.in_loop_thread());
    if (has(kOutOpen) && is_open()) return hold(Opcode::binary, {}, frame);  // RFC 6455 §5.4
    if (!is_open() || !make_room(frame.size())) {
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    if (endpoint_.options.trace) [[unlikely]]
        trace_encoded_frame(endpoint_.options.trace, frame.bytes(), Direction::sent);
    // Our corked bytes go first; the shared frame waits in the queue for the end of the pass, so
    // that every publish of this pass reaches this connection in one writev.
    if (state_.cork_owner() == this) state_.flush_cork();
    if (closed_) return SendStatus::dropped;
    const bool was_empty = queue_empty();
    enqueue(frame, 0);
    detail::LoopCounters::add(state_.counters.messages_out, 1);
    if (!write_interest_) state_.mark_dirty(*this);
    return was_empty ? SendStatus::sent : SendStatus::buffered;
}

SendStatus LoopConn::send_first_fragment(Opcode op, std::span<const std::uint8_t> payload,
                                         bool compress) {
    assert(state_.loop.in_loop_thread() && "LoopConn used off its loop: use handle()");
    assert((op == Opcode::text || op == Opcode::binary) && "fragments are for data messages");
    assert((!has(kOutOpen) || !is_open()) && "a fragmented message is open: send_last_fragment");
    if (has(kOutOpen) || !is_open()) {
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    // RFC 7692 §6: compressing is chosen per message, here for all its frames.
    set(kOutCompressed, compress && has(kWriteCompression));
    set(kOutOpen, true);
    const SendStatus s = send_piece(op, payload, false);
    if (s == SendStatus::dropped) abandon_message();
    return s;
}

SendStatus LoopConn::send_fragment(std::span<const std::uint8_t> payload) {
    return continue_message(payload, false);
}

SendStatus LoopConn::send_last_fragment(std::span<const std::uint8_t> payload) {
    return continue_message(payload, true);
}

// A continuation frame of the open message; `fin`: its last, after which what was held goes out.
SendStatus LoopConn::continue_message(std::span<const std::uint8_t> payload, bool fin) {
    assert(state_.loop.in_loop_thread());
    assert((has(kOutOpen) || !is_open()) && "no fragmented message open: send_first_fragment");
    if (!has(kOutOpen) || !is_open()) {
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    const SendStatus s = send_piece(Opcode::continuation, payload, fin);
    if (!fin || s == SendStatus::dropped || !has(kOutOpen)) return s;  // open, or closing
    set(kOutOpen, false);
    // Without context takeover the message's own history goes with it (RFC 7692 §7.2.3.1).
    if (has(kOutCompressed) && has(kSendNoTakeover)) extra().sent.clear();
    detail::LoopCounters::add(state_.counters.messages_out, 1);
    release_held();
    return s;
}

// One frame of the open message: the first carries the opcode (and RSV1 when compressed,
// RFC 7692 §6.1), the others are continuation frames (RFC 6455 §5.4). Written at once like a
// large frame, never through the cork: the cork holds whole messages only.
SendStatus LoopConn::send_piece(Opcode op, std::span<const std::uint8_t> payload, bool fin) {
    const bool first = op != Opcode::continuation;
    std::uint8_t rsv = 0;
    if (has(kOutCompressed)) {
        payload = compress_piece(payload, fin);
        if (first) rsv = rsv1;
    }
    if (!make_room(frame_size(payload.size(), false))) {
        // A fragment after the first cannot be dropped: the peer would join the rest of the
        // message to its beginning. Nor can a first one whose compression is already history
        // (context takeover, §7.2.3.2). The connection ends instead (unless the policy
        // already began that).
        const bool fatal = !first || (has(kOutCompressed) && !has(kSendNoTakeover));
        if (fatal && is_open()) close(close_code::try_again_later, "slow consumer");
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    if (endpoint_.options.trace) [[unlikely]] {
        FrameHeader h = make_header(op, fin, Role::server, {}, rsv);
        h.payload_length = payload.size();
        trace_frame(endpoint_.options.trace, h, payload, Direction::sent);
    }
    return write_large(op, payload, rsv, fin);
}

// A fragment compressed by the loop's deflater, from the history of what this connection sent
// before it: with context takeover all its past (RFC 7692 §7.2.3.2), without it only the
// message's earlier fragments (one DEFLATE stream per message, §7.2.1). Every fragment ends
// with a sync flush, whose empty stored block (00 00 ff ff) lets the peer inflate it at once;
// only the message's last frame drops that tail (§7.2.1), as a whole message does.
std::span<const std::uint8_t> LoopConn::compress_piece(std::span<const std::uint8_t> payload,
                                                       bool fin) {
    detail::LoopCodecs& shared = state_.codecs();
    MessageDeflater& d = shared.fresh_deflater(send_bits_, level_);
    detail::WindowHistory& history = extra().sent;
    d.set_history(history.bytes());
    (void)shared.compress(d, payload);
    history.append(payload, send_bits_);
    static constexpr std::array<std::uint8_t, 4> tail{0x00, 0x00, 0xff, 0xff};
    if (!fin) shared.deflated.append(tail);
    return shared.deflated.bytes();
}

// Keeps a data message for the end of the open fragmented one (RFC 6455 §5.4), within the
// send-queue limit.
SendStatus LoopConn::hold(Opcode op, std::span<const std::uint8_t> payload,
                          const SharedFrame& frame) {
    const std::size_t size = frame ? frame.size() : frame_size(payload.size(), false);
    if (!make_room(size) || !is_open()) {
        detail::LoopCounters::add(state_.counters.dropped, 1);
        return SendStatus::dropped;
    }
    Extra& x = extra();
    x.held.push_back(Held{frame ? frame : SharedFrame::copy_of(payload), op, bool(frame)});
    x.queued_bytes += size;
    detail::LoopCounters::add(state_.counters.queued_bytes, size);
    return SendStatus::buffered;
}

std::size_t LoopConn::Held::size() const noexcept {
    return frame ? bytes.size() : frame_size(bytes.size(), false);
}

// The messages held for the open fragmented one, taken out of the queue's byte count.
std::vector<LoopConn::Held> LoopConn::take_held() noexcept {
    std::vector<Held> held;
    if (!extra_) return held;
    held.swap(extra_->held);
    std::size_t bytes = 0;
    for (const Held& h : held)
        bytes += h.size();
    extra_->queued_bytes -= bytes;
    detail::LoopCounters::sub(state_.counters.queued_bytes, bytes);
    return held;
}

// The fragmented message has ended: what waited for it goes out, in order, by the usual paths.
void LoopConn::release_held() {
    // A send that fails closes the connection: the rest are then counted as dropped.
    for (const Held& h : take_held()) {
        if (h.frame) {
            (void)send_frame(h.bytes);
        } else {
            (void)send(h.op, h.bytes.bytes());
        }
    }
}

// The connection closes with a fragmented message open: it is never finished (the peer sees
// our close frame after its last fragment, RFC 6455 §5.5 allows control frames there), and
// what waited for it is dropped.
void LoopConn::abandon_message() {
    set(kOutOpen, false);
    if (!extra_) return;
    if (has(kOutCompressed) && has(kSendNoTakeover)) extra_->sent.clear();
    detail::LoopCounters::add(state_.counters.dropped, take_held().size());
}

// Applies the SlowConsumerPolicy when `size` more bytes would exceed max_queued_bytes.
bool LoopConn::make_room(std::size_t size) {
    const std::size_t limit = endpoint_.options.limits.max_queued_bytes;
    if (queued_bytes() + size <= limit) return true;
    switch (endpoint_.options.slow_consumer) {
        case SlowConsumerPolicy::drop_newest:
            return false;
        case SlowConsumerPolicy::drop_oldest:
            // A compressed message with context takeover is history the peer's next messages
            // refer to (RFC 7692 §7.2.3.2): none may go, so the new one is dropped instead.
            if (has(kDeflate) && !has(kSendNoTakeover)) return false;
            // Whole messages only: not one half written, nor a fragment of a message.
            while (queued_bytes() + size > limit && drop_front()) {
            }
            return queued_bytes() + size <= limit;
        case SlowConsumerPolicy::close_policy_violation:
            close(close_code::policy_violation, "slow consumer");
            return false;
        case SlowConsumerPolicy::close_try_again_later:
            close(close_code::try_again_later, "slow consumer");
            return false;
    }
    return false;
}

// Drops the oldest queued whole message that has not begun to go out; false when none.
bool LoopConn::drop_front() {
    if (queue_empty()) return false;
    auto& queue = extra_->queue;
    const auto it = std::find_if(queue.begin(), queue.end(),
                                 [](const Queued& q) { return q.whole && q.offset == 0; });
    if (it == queue.end()) return false;
    const std::size_t n = it->frame.size();
    queue.erase(it);
    extra_->queued_bytes -= n;
    detail::LoopCounters::sub(state_.counters.queued_bytes, n);
    detail::LoopCounters::add(state_.counters.dropped, 1);
    return true;
}

SendStatus LoopConn::write_or_queue(Opcode op, std::span<const std::uint8_t> payload,
                                    std::uint8_t rsv) {
    if (endpoint_.options.trace) [[unlikely]] {
        FrameHeader h = make_header(op, true, Role::server, {}, rsv);
        h.payload_length = payload.size();
        trace_frame(endpoint_.options.trace, h, payload, Direction::sent);
    }
    const std::size_t size = frame_size(payload.size(), false);
    if (size > detail::LoopState::cork_size || state_.loop_batches_sends)
        return write_large(op, payload, rsv);
    if (queue_empty()) {
        // The cork holds one connection's bytes: another owner's go out first.
        if (state_.cork_owner() != this || state_.cork_room() < size) state_.flush_cork();
        if (!closed_ && queue_empty()) {
            const auto r = encode_frame(make_header(op, true, Role::server, {}, rsv), payload,
                                        {state_.cork_tail(), state_.cork_room()});
            assert(!r.error);
            state_.cork_append(*this, r.written);
            return SendStatus::sent;
        }
        if (closed_) return SendStatus::dropped;
    }
    enqueue(SharedFrame::make(op, payload, rsv), 0);
    return SendStatus::buffered;
}

// A frame larger than the cork: header and payload straight to the kernel with one writev,
// no copy; a copy is made only of what the kernel did not take. Also every fragment of a message
// sent in pieces (`fin` clear but on its last frame), and every frame when the loop batches
// sends itself (io_uring: it copies the small ones once, for the end of the pass).
SendStatus LoopConn::write_large(Opcode op, std::span<const std::uint8_t> payload, std::uint8_t rsv,
                                 bool fin) {
    if (state_.cork_owner() == this) state_.flush_cork();
    if (closed_) return SendStatus::dropped;
    const bool whole = fin && op != Opcode::continuation;
    if (!queue_empty()) {
        enqueue(SharedFrame::make(op, payload, rsv, fin), 0, whole);
        return SendStatus::buffered;
    }
    std::array<std::uint8_t, max_header_size> header{};
    FrameHeader h = make_header(op, fin, Role::server, {}, rsv);
    h.payload_length = payload.size();
    const std::size_t hn = encode_header(h, header);
    const std::array<iovec, 2> iov{
        iovec{header.data(), hn}, iovec{const_cast<std::uint8_t*>(payload.data()), payload.size()}};
    const long n = state_.loop.send(socket_.fd(), iov);
    if (n < 0 && !send_would_block()) {
        terminate(close_code::abnormal);
        return SendStatus::dropped;
    }
    const std::size_t written = n > 0 ? static_cast<std::size_t>(n) : 0;
    count_written(written);
    if (written == hn + payload.size()) return SendStatus::sent;
    enqueue(SharedFrame::make(op, payload, rsv, fin), written, whole);
    set_write_interest(true);
    return SendStatus::buffered;
}

void LoopConn::enqueue(SharedFrame frame, std::size_t offset, bool whole) {
    const std::size_t n = frame.size() - offset;
    Extra& x = extra();
    x.queue.push_back(Queued{std::move(frame), static_cast<std::uint32_t>(offset), whole});
    x.queued_bytes += n;
    detail::LoopCounters::add(state_.counters.queued_bytes, n);
}

// The cork's bytes for this connection (called by LoopState::flush_cork, queue empty).
void LoopConn::write_corked(std::span<const std::uint8_t> bytes) {
    // Through the loop: on io_uring the bytes go out at the end of the pass, with the other
    // connections' (net/event_loop.hpp, send).
    const long n = state_.loop.send(socket_.fd(), bytes.data(), bytes.size());
    if (n < 0 && !send_would_block()) {
        terminate(close_code::abnormal);
        return;
    }
    const std::size_t written = n > 0 ? static_cast<std::size_t>(n) : 0;
    count_written(written);
    if (written < bytes.size()) {
        // The cork holds whole frames of whole messages: the rest may be dropped as one
        // message unless a frame of it is half written.
        enqueue(SharedFrame::copy_of(bytes.subspan(written)), 0, written == 0);
        set_write_interest(true);
    }
}

// Writes the queue with one writev (up to 64 entries); called when writable and at the end of a
// pass for queues filled by broadcasts.
void LoopConn::flush_queue() {
    dirty_ = false;
    if (closed_ || queue_empty()) return finish_if_done();
    auto& queue = extra_->queue;
    std::array<iovec, 64> iov;
    std::size_t count = 0;
    for (; count < iov.size() && count < queue.size(); ++count) {
        const auto bytes = queue[count].frame.bytes().subspan(queue[count].offset);
        iov[count] = iovec{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    }
    const long n = state_.loop.send(socket_.fd(), {iov.data(), count});
    if (n < 0 && !send_would_block()) return terminate(close_code::abnormal);
    std::size_t left = n > 0 ? static_cast<std::size_t>(n) : 0;
    count_written(left);
    extra_->queued_bytes -= left;
    detail::LoopCounters::sub(state_.counters.queued_bytes, left);
    std::size_t done = 0;
    while (done < queue.size() && left > 0) {
        const std::size_t rest = queue[done].frame.size() - queue[done].offset;
        if (left < rest) {
            queue[done].offset += static_cast<std::uint32_t>(left);
            break;
        }
        left -= rest;
        ++done;
    }
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(done));
    if (!queue.empty()) return set_write_interest(true);
    queue = {};  // the burst is over: give the memory back
    set_write_interest(false);
    if (endpoint_.handlers.on_drain && !close_sent_) endpoint_.handlers.on_drain(*this);
    finish_if_done();
    if (!state_.in_read) release_extra_if_idle();
}

void LoopConn::on_writable() {
    flush_queue();
}

void LoopConn::set_write_interest(bool want) {
    if (want == write_interest_ || closed_) return;
    write_interest_ = want;
    const auto interest = want ? net::Interest::both : net::Interest::readable;
    if (state_.loop.modify(socket_.fd(), interest)) terminate(close_code::abnormal);
}

void LoopConn::count_written(std::size_t n) {
    detail::LoopCounters::add(state_.counters.bytes_out, n);
}

}  // namespace wire::websocket
