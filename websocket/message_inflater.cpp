#include "websocket/message_inflater.hpp"

#include "compress/inflater.hpp"
#include "websocket/error.hpp"

namespace wire::websocket {

namespace {

// RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of
// the message", the empty stored block that a sync flush ends with and the sender removed.
constexpr std::uint8_t kTail[4] = {0x00, 0x00, 0xff, 0xff};

}  // namespace

MessageInflater::MessageInflater(int window_bits, bool no_context_takeover,
                                 std::uint64_t limit) noexcept
    : window_bits_(window_bits), no_context_takeover_(no_context_takeover), limit_(limit) {}

MessageInflater::~MessageInflater() = default;
MessageInflater::MessageInflater(MessageInflater&&) noexcept = default;
MessageInflater& MessageInflater::operator=(MessageInflater&&) noexcept = default;

void MessageInflater::begin_message(bool text) noexcept {
    // §7.2.3.2: no takeover, a fresh history (also after a message that failed half-way).
    if (no_context_takeover_ && inflater_) inflater_->reset();
    produced_ = 0;
    consumed_ = 0;
    tail_fed_ = 0;
    stream_ended_ = false;
    done_ = false;
    text_ = text;
    utf8_.reset();
}

void MessageInflater::create() {
    compress::InflateOptions options;
    options.format = compress::Format::raw;
    options.window_bits = window_bits_;
    inflater_ = std::make_unique<compress::Inflater>(options);
}

void MessageInflater::set_history(std::span<const std::uint8_t> history) noexcept {
    if (!inflater_) create();
    inflater_->reset();
    if (!history.empty()) inflater_->set_dictionary(history);
}

InflateStep MessageInflater::fail(InflateStep r, std::error_code ec) noexcept {
    r.error = ec;
    return r;
}

InflateStep MessageInflater::fail_after(InflateStep r, std::span<const std::uint8_t> produced,
                                        std::error_code ec) noexcept {
    if (text_ && !utf8_.feed(produced)) return fail(r, Error::invalid_utf8);
    return fail(r, ec);
}

// Steps for one call:
InflateStep MessageInflater::inflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                     bool last) noexcept {
    InflateStep r;
    if (!inflater_) create();
    // 1. RFC 6455 §10.4 for what the message becomes: room for at most one byte past the limit,
    //    so a message that inflates beyond it is caught by its first extra byte.
    const std::uint64_t room = limit_ - produced_;
    if (room < out.size()) out = out.first(static_cast<std::size_t>(room) + 1);

    // 2. The payload (or, with the tail already in, what the inflater still holds).
    if (!stream_ended_) {
        const auto s = inflater_->inflate(in, out, /*last_input=*/false);
        r.consumed = s.consumed;
        r.produced = s.produced;
        // Not DEFLATE, or a distance beyond the negotiated window (§7.1.2): fail (1002).
        if (s.failed()) return fail_after(r, out.first(r.produced), Error::bad_compressed_data);
        if (s.done()) stream_ended_ = true;
    }
    // A sender may end the stream with a final block (§7.2.3.4 allows BFINAL); payload after
    // it would be a second stream inside one message, which no sender produces.
    if (stream_ended_ && r.consumed < in.size()) {
        return fail_after(r, out.first(r.produced), Error::bad_compressed_data);
    }

    // 3. The tail, once the whole payload is in and there is room for what it flushes.
    const bool payload_in = last && r.consumed == in.size();
    if (payload_in && !stream_ended_ && tail_fed_ < sizeof kTail && r.produced < out.size()) {
        const auto s = inflater_->inflate({kTail + tail_fed_, sizeof kTail - tail_fed_},
                                          out.subspan(r.produced), /*last_input=*/false);
        tail_fed_ = static_cast<std::uint8_t>(tail_fed_ + s.consumed);
        r.produced += s.produced;
        if (s.failed()) return fail_after(r, out.first(r.produced), Error::bad_compressed_data);
        if (s.done()) stream_ended_ = true;
    }

    // 4. The limit counts inflated bytes (RFC 6455 §10.4; never the compressed size).
    produced_ += r.produced;
    consumed_ += r.consumed;
    if (produced_ > limit_) {
        const auto within = r.produced - static_cast<std::size_t>(produced_ - limit_);
        return fail_after(r, out.first(within), Error::message_too_big);
    }
    // 5. RFC 6455 §8.1: text is UTF-8, checked as it is inflated so the first bad byte fails.
    if (text_ && !utf8_.feed(out.first(r.produced))) return fail(r, Error::invalid_utf8);

    // 6. Done when everything is in and the inflater stopped with room to spare (nothing held).
    const bool flushed = stream_ended_ || (tail_fed_ == sizeof kTail && r.produced < out.size());
    if (payload_in && flushed) {
        if (text_ && !utf8_.complete()) return fail(r, Error::invalid_utf8);
        finish_message();
    }
    return r;
}

// §7.2.3.2: with context takeover the next message may refer back into this one; without it
// the history is dropped (and its memory given back: an idle connection holds no window).
void MessageInflater::finish_message() noexcept {
    done_ = true;
    if (no_context_takeover_) {
        inflater_->reset();
        if (!keep_memory_) inflater_->release_memory();
    } else if (stream_ended_) {
        inflater_->reset_keep_history();
    }
}

std::size_t MessageInflater::copy_history(std::span<std::uint8_t> out) const noexcept {
    return inflater_ ? inflater_->copy_history(out) : 0;
}

std::size_t MessageInflater::memory_in_use() const noexcept {
    return inflater_ ? sizeof(compress::Inflater) + inflater_->memory_in_use() : 0;
}

}  // namespace wire::websocket
