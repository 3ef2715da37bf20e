// LoopConn, sending side: the cork, the bounded send queue and the slow-consumer policy.
// wire:glue
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>

#include "net/error.hpp"
#include "websocket/detail/loop_codecs.hpp"
#include "websocket/detail/loop_state.hpp"
#include "websocket/engine.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/loop_conn.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

SendStatus LoopConn::send(Opcode op, std::span<const std::uint8_t> payload) {
    assert(state_.loop.in_loop_thread() && "LoopConn used off its loop: use handle()");
    assert((op == Opcode::text || op == Opcode::binary) && "send() is for data messages");
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
            // Whole messages only: the first one may be half written and must finish.
            while (queued_bytes() + size > limit && !queue_empty() &&
                   extra_->queue.size() > (extra_->queue.front().offset ? 1u : 0u)) {
                drop_front();
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

// Drops the oldest whole queued message (the one after a half-written first entry).
void LoopConn::drop_front() {
    auto& queue = extra_->queue;
    const auto it = queue.begin() + (queue.front().offset ? 1 : 0);
    const std::size_t n = it->frame.size();
    queue.erase(it);
    extra_->queued_bytes -= n;
    detail::LoopCounters::sub(state_.counters.queued_bytes, n);
    detail::LoopCounters::add(state_.counters.dropped, 1);
}

SendStatus LoopConn::write_or_queue(Opcode op, std::span<const std::uint8_t> payload,
                                    std::uint8_t rsv) {
    if (endpoint_.options.trace) [[unlikely]] {
        FrameHeader h = make_header(op, true, Role::server, {}, rsv);
        h.payload_length = payload.size();
        trace_frame(endpoint_.options.trace, h, payload, Direction::sent);
    }
    const std::size_t size = frame_size(payload.size(), false);
    if (size > detail::LoopState::cork_size) return write_large(op, payload, rsv);
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
// no copy; a copy is made only of what the kernel did not take.
SendStatus LoopConn::write_large(Opcode op, std::span<const std::uint8_t> payload,
                                 std::uint8_t rsv) {
    if (state_.cork_owner() == this) state_.flush_cork();
    if (closed_) return SendStatus::dropped;
    if (!queue_empty()) {
        enqueue(SharedFrame::make(op, payload, rsv), 0);
        return SendStatus::buffered;
    }
    std::array<std::uint8_t, max_header_size> header{};
    FrameHeader h = make_header(op, true, Role::server, {}, rsv);
    h.payload_length = payload.size();
    const std::size_t hn = encode_header(h, header);
    const std::array<iovec, 2> iov{
        iovec{header.data(), hn}, iovec{const_cast<std::uint8_t*>(payload.data()), payload.size()}};
    auto n = socket_.writev(iov);
    if (!n && !net::would_block(n.error())) {
        terminate(close_code::abnormal);
        return SendStatus::dropped;
    }
    const std::size_t written = n ? *n : 0;
    count_written(written);
    if (written == hn + payload.size()) return SendStatus::sent;
    enqueue(SharedFrame::make(op, payload, rsv), written);
    set_write_interest(true);
    return SendStatus::buffered;
}

void LoopConn::enqueue(SharedFrame frame, std::size_t offset) {
    const std::size_t n = frame.size() - offset;
    Extra& x = extra();
    x.queue.push_back(Queued{std::move(frame), static_cast<std::uint32_t>(offset)});
    x.queued_bytes += n;
    detail::LoopCounters::add(state_.counters.queued_bytes, n);
}

// The cork's bytes for this connection (called by LoopState::flush_cork, queue empty).
void LoopConn::write_corked(std::span<const std::uint8_t> bytes) {
    auto n = socket_.write(bytes.data(), bytes.size());
    if (!n && !net::would_block(n.error())) {
        terminate(close_code::abnormal);
        return;
    }
    const std::size_t written = n ? *n : 0;
    count_written(written);
    if (written < bytes.size()) {
        enqueue(SharedFrame::copy_of(bytes.subspan(written)), 0);
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
    auto n = socket_.writev({iov.data(), count});
    if (!n && !net::would_block(n.error())) return terminate(close_code::abnormal);
    std::size_t left = n ? *n : 0;
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
