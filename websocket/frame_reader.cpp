#include "websocket/frame_reader.hpp"

#include <algorithm>

namespace wire::websocket {

namespace {

Event need_more(std::uint64_t need) noexcept {
    Event ev;
    ev.need = need;
    return ev;
}

// Header bytes needed, judged from what has arrived (at least 2 bytes to know).
std::uint64_t header_need(std::span<const std::uint8_t> buf) noexcept {
    if (buf.size() < 2) return 2;
    const std::uint8_t len7 = buf[1] & 0x7F;
    const std::size_t ext = len7 == 127 ? 8 : len7 == 126 ? 2 : 0;
    return 2 + ext + ((buf[1] & 0x80) ? 4 : 0);
}

}  // namespace

ConsumeResult FrameReader::fail(std::error_code ec) noexcept {
    error_ = ec;
    ConsumeResult r;
    r.event.type = EventType::error;
    r.event.error = ec;
    return r;
}

ConsumeResult FrameReader::consume(std::span<std::uint8_t> buf) noexcept {
    if (error_) return fail(error_);
    if (in_payload_) return deliver(buf, 0);
    return on_header(buf);
}

// Steps for one frame, after RFC 6455 §5.2 and §5.4:
ConsumeResult FrameReader::on_header(std::span<std::uint8_t> buf) noexcept {
    // 1. Decode and check the header; nothing is consumed until it is complete.
    const HeaderOptions hopts{options_.role, options_.allowed_rsv};
    FrameHeader h;
    const HeaderResult hr = decode_header(buf, hopts, h);
    if (hr.status == DecodeStatus::error) return fail(hr.error);
    if (hr.status == DecodeStatus::need_more) return {0, need_more(header_need(buf))};

    // 2. RFC 7692 §6.1: RSV1 (with permessage-deflate) marks the first frame of a compressed
    //    message; a control frame is never compressed, and a continuation never carries it.
    if ((h.rsv & rsv1) != 0) {
        if (is_control(h.opcode)) return fail(Error::compressed_control_frame);
        if (h.opcode == Opcode::continuation) return fail(Error::compressed_continuation);
    }

    // 3. Control frames may arrive between the fragments of a message (§5.4); they are small,
    //    so they are always reported whole.
    if (is_control(h.opcode)) return on_control(h, buf, hr.consumed);

    // 4. A data frame: check it continues (or starts) a message correctly, and the read limit.
    if (auto ec = check_data_frame(h)) return fail(ec);

    // 5. Message mode waits for the whole frame so the caller gets it as one view: the same
    //    header is decoded again on the next call. Only text is looked at meanwhile, so that
    //    invalid UTF-8 fails before the rest of the frame arrives (check_ahead).
    if (!options_.streaming) {
        const std::uint64_t total = hr.consumed + h.payload_length;
        if (buf.size() < total) {
            if (auto ec = check_ahead(h, buf.subspan(hr.consumed))) return fail(ec);
            return {0, need_more(total)};
        }
        begin_data_frame(h);
        return deliver(buf.subspan(hr.consumed, static_cast<std::size_t>(h.payload_length)),
                       hr.consumed);
    }

    // 6. Streaming mode consumes the header now and delivers payload as it comes.
    begin_data_frame(h);
    in_payload_ = true;
    return deliver(buf.subspan(hr.consumed), hr.consumed);
}

std::error_code FrameReader::check_data_frame(const FrameHeader& h) const noexcept {
    const bool continuation = h.opcode == Opcode::continuation;
    // §5.4: a continuation frame only makes sense inside a fragmented message.
    if (continuation && !in_message_) return Error::unexpected_continuation;
    // §5.4: "fragments of one message MUST NOT be interleaved between the fragments of another".
    if (!continuation && in_message_) return Error::data_frame_inside_message;
    // §10.4: refuse a message over the limit as soon as a header announces it, before its payload.
    const std::uint64_t so_far = continuation ? message_size_ : 0;
    std::uint64_t limit = options_.limits.max_message_size;
    // A compressed message (RFC 7692) is limited by what it inflates to, checked while
    // inflating; its compressed size only needs a bound. Incompressible data grows by 5 bytes
    // per 64 KiB stored block, so the limit plus 1/4096 and 1 KiB always has room for it.
    const bool compressed = ((continuation ? message_rsv_ : h.rsv) & rsv1) != 0;
    if (compressed && limit < (std::uint64_t{1} << 60)) limit += limit / 4096 + 1024;
    if (h.payload_length > limit || so_far > limit - h.payload_length) {
        return Error::message_too_big;
    }
    return {};
}

void FrameReader::begin_data_frame(const FrameHeader& h) noexcept {
    frame_ = h;
    frame_begin_ = true;
    remaining_ = h.payload_length;
    key_offset_ = 0;
    if (h.opcode != Opcode::continuation) {
        in_message_ = true;
        begin_pending_ = true;
        message_opcode_ = h.opcode;
        message_rsv_ = h.rsv;
        message_size_ = 0;
        if (checked_ == 0) utf8_.reset();  // else check_ahead began this message's text
    }
    message_size_ += h.payload_length;
}

// Message mode, a frame not yet whole. RFC 6455 §8.1: "When an endpoint is to interpret a byte
// stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that
// endpoint MUST _Fail the WebSocket Connection_", and a peer that stops sending must not delay
// that. So the text that has arrived is unmasked in place and validated now; checked_ says how
// far, and deliver() goes on from there: each byte is unmasked and validated once.
std::error_code FrameReader::check_ahead(const FrameHeader& h,
                                         std::span<std::uint8_t> arrived) noexcept {
    const bool first = h.opcode != Opcode::continuation;
    const Opcode opcode = first ? h.opcode : message_opcode_;
    const std::uint8_t rsv = first ? h.rsv : message_rsv_;
    // A compressed message (RSV1) is validated after inflating, by the extension.
    if (opcode != Opcode::text || (rsv & rsv1) != 0 || arrived.size() <= checked_) return {};
    if (first && checked_ == 0) utf8_.reset();
    const std::span<std::uint8_t> fresh = arrived.subspan(checked_);
    if (h.masked) (void)apply_mask(fresh, h.mask_key, checked_);
    checked_ = arrived.size();
    if (!utf8_.feed(fresh)) return Error::invalid_utf8;
    return {};
}

ConsumeResult FrameReader::on_control(const FrameHeader& h, std::span<std::uint8_t> buf,
                                      std::size_t header_bytes) noexcept {
    const std::size_t total = header_bytes + static_cast<std::size_t>(h.payload_length);
    if (buf.size() < total) return {0, need_more(total)};
    auto payload = buf.subspan(header_bytes, static_cast<std::size_t>(h.payload_length));
    if (h.masked) apply_mask(payload, h.mask_key);
    // Between data frames frame_ is free (a control frame never interrupts a frame's payload).
    frame_ = h;
    ConsumeResult r{total, {}};
    r.event.type = EventType::control;
    r.event.opcode = h.opcode;
    r.event.frame_begin = true;
    r.event.payload = payload;
    // §5.5.1: a close body is a valid code and UTF-8 text; anything else fails the connection.
    if (h.opcode == Opcode::close) {
        if (auto ec = parse_close_payload(payload, r.event.close)) return fail(ec);
    }
    return r;
}

ConsumeResult FrameReader::deliver(std::span<std::uint8_t> bytes,
                                   std::size_t consumed_before) noexcept {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    // Streaming: the header is consumed but no payload byte has arrived yet.
    if (n == 0 && remaining_ > 0) return {consumed_before, need_more(1)};
    auto payload = bytes.first(n);
    // Message mode: check_ahead may have unmasked and validated the first bytes already.
    const std::size_t done = checked_;
    checked_ = 0;
    const auto fresh = payload.subspan(done);
    if (frame_.masked) key_offset_ = apply_mask(fresh, frame_.mask_key, key_offset_ + done);
    remaining_ -= n;
    const bool end = remaining_ == 0 && frame_.fin;
    // §8.1: text must be UTF-8; checked as it arrives so the first bad byte fails at once.
    // A compressed message (RSV1) is validated after inflating, by the extension.
    const bool check_utf8 = message_opcode_ == Opcode::text && (message_rsv_ & rsv1) == 0;
    if (check_utf8 && (!utf8_.feed(fresh) || (end && !utf8_.complete()))) {
        return fail(Error::invalid_utf8);
    }
    ConsumeResult r{consumed_before + n, {}};
    r.event.type = EventType::data;
    r.event.opcode = message_opcode_;
    r.event.payload = payload;
    r.event.message_begin = begin_pending_;
    r.event.message_end = end;
    r.event.rsv = message_rsv_;
    r.event.frame_begin = frame_begin_;
    begin_pending_ = false;
    frame_begin_ = false;
    if (remaining_ == 0) in_payload_ = false;
    if (end) in_message_ = false;
    return r;
}

}  // namespace wire::websocket
