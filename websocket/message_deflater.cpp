#include "websocket/message_deflater.hpp"

#include <algorithm>
#include <cstring>

#include "compress/deflater.hpp"

namespace wire::websocket {

namespace {

// RFC 7692 §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
constexpr std::uint8_t kTail[4] = {0x00, 0x00, 0xff, 0xff};

}  // namespace

MessageDeflater::MessageDeflater(int window_bits, bool no_context_takeover, int level,
                                 compress::DeflateTables* tables) noexcept
    : tables_(tables),
      window_bits_(window_bits),
      no_context_takeover_(no_context_takeover),
      level_(level) {}

MessageDeflater::~MessageDeflater() = default;
MessageDeflater::MessageDeflater(MessageDeflater&&) noexcept = default;
MessageDeflater& MessageDeflater::operator=(MessageDeflater&&) noexcept = default;

void MessageDeflater::create() {
    compress::DeflateOptions options;
    options.format = compress::Format::raw;
    options.level = level_;
    options.window_bits = window_bits_;
    deflater_ = tables_ != nullptr ? std::make_unique<compress::Deflater>(options, *tables_)
                                   : std::make_unique<compress::Deflater>(options);
    level_changed_ = false;
}

void MessageDeflater::set_history(std::span<const std::uint8_t> history) {
    if (!deflater_) create();
    deflater_->reset();
    held_len_ = 0;  // a new message (also after one that was given up half-way)
    // A raw stream's dictionary is history its back-references may reach (RFC 1951 §3.2.5):
    // the receiver holds the same bytes, so the message decodes as if the stream had gone on.
    if (!history.empty()) deflater_->set_dictionary(history);
}

void MessageDeflater::set_level(int level) {
    if (level == level_) return;
    level_ = level;
    level_changed_ = true;
}

std::size_t MessageDeflater::bound(std::size_t n) noexcept {
    // The Deflater's bound for a finished stream, plus the empty stored block of a sync flush.
    return compress::Deflater::bound(n) + 16;
}

// Steps for one call:
DeflateStep MessageDeflater::deflate(std::span<const std::uint8_t> in, std::span<std::uint8_t> out,
                                     bool last) noexcept {
    DeflateStep step;
    if (!deflater_) create();
    if (level_changed_) {
        deflater_->set_level(level_);
        level_changed_ = false;
    }
    // 1. The bytes held back last time go first.
    std::memcpy(out.data(), held_, held_len_);
    const std::size_t start = held_len_;
    // 2. Compress; RFC 7692 §7.2.1: the message's end is a sync flush (byte-aligned, ending with
    //    an empty stored block), so the receiver can inflate it without what follows.
    const auto r = deflater_->deflate(in, out.subspan(start),
                                      last ? compress::Flush::sync : compress::Flush::none);
    step.consumed = r.consumed;
    std::size_t total = start + r.produced;
    step.done = last && r.done();
    // 3. Hold back the last four bytes: they may be the tail, known only at the end.
    held_len_ = static_cast<std::uint8_t>(std::min<std::size_t>(4, total));
    std::memcpy(held_, out.data() + total - held_len_, held_len_);
    total -= held_len_;
    if (step.done) {
        // §7.2.1: the tail is dropped; anything else held is part of the payload.
        if (held_len_ != 4 || std::memcmp(held_, kTail, 4) != 0) total += held_len_;
        held_len_ = 0;
        // §7.2.3.6: an empty payload would leave the receiver, which appends the tail, inside
        // a stored block; the empty message is the single byte 0x00 (an empty stored block
        // whose LEN and NLEN are the tail the receiver adds).
        if (total == 0) out[total++] = 0x00;
        // §7.1.1: without context takeover every message starts from an empty history.
        if (no_context_takeover_) deflater_->reset();
    }
    step.produced = total;
    return step;
}

std::size_t MessageDeflater::copy_history(std::span<std::uint8_t> out) const noexcept {
    return deflater_ ? deflater_->copy_history(out) : 0;
}

std::size_t MessageDeflater::memory_in_use() const noexcept {
    return deflater_ ? sizeof(compress::Deflater) + deflater_->memory_in_use() : 0;
}

}  // namespace wire::websocket
