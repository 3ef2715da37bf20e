// wire:glue
#include "websocket/detail/loop_state.hpp"

#include <algorithm>

#include "websocket/detail/loop_codecs.hpp"
#include "websocket/engine.hpp"
#include "websocket/frame.hpp"
#include "websocket/loop_conn.hpp"

namespace wire::websocket::detail {

LoopState::LoopState(Engine& owner, net::EventLoop& l, std::size_t i)
    : engine(owner),
      loop(l),
      index(i),
      loop_batches_sends(l.backend() == net::LoopBackend::uring),
      rx_(std::make_unique<std::uint8_t[]>(rx_size)),
      cork_(loop_batches_sends ? nullptr : std::make_unique<std::uint8_t[]>(cork_size)),
      shutdown_timer_(
          [](net::Timer&, void* me) {
              auto* self = static_cast<LoopState*>(me);
              // The drain deadline passed: drop whoever has not finished the closing handshake.
              for (const Slot& s : self->slots_) {
                  if (s.conn) s.conn->terminate(close_code::abnormal);
              }
          },
          this) {
    destroy_hook_ = loop.on_destroy([this] { detach(); });
}

LoopState::~LoopState() {
    if (!attached()) return;  // torn down with its loop
    loop.forget_on_destroy(destroy_hook_);
    detach();
}

void LoopState::detach() {
    attached_.store(false, std::memory_order_release);
    loop.cancel(shutdown_timer_);
    for (Slot& s : slots_) {
        LoopConn* c = s.conn;
        if (!c) continue;
        (void)loop.remove(c->socket_.fd());
        LoopCounters::sub(counters.queued_bytes, c->queued_bytes());
        counters.count_close(close_code::abnormal);
        delete c;
    }
    LoopCounters::sub(counters.connections, live_);
    engine.open_connections().fetch_sub(live_, std::memory_order_relaxed);
    for (LoopConn* c : graveyard_)
        delete c;
    // What pointed at the deleted connections: handles now miss, topics are empty.
    slots_.clear();
    free_slots_.clear();
    live_ = 0;
    graveyard_.clear();
    dirty_.clear();
    for (const auto& [name, t] : topics_)
        engine.hub().topic_closed(name);
    topics_.clear();
    cork_owner_ = nullptr;
    cork_len_ = 0;
    shutting_down_ = false;
    report_shutdown();  // also when begin_shutdown was posted but never ran
}

void LoopState::cork_append(LoopConn& owner, std::size_t n) {
    if (cork_owner_ == nullptr && !in_read) schedule_flush();
    cork_owner_ = &owner;
    cork_len_ += n;
}

void LoopState::flush_cork() {
    LoopConn* owner = cork_owner_;
    if (owner == nullptr) return;
    const std::span<const std::uint8_t> bytes{cork_.get(), cork_len_};
    cork_owner_ = nullptr;
    cork_len_ = 0;
    // The bytes stay in the buffer during the write; nothing can append before it returns.
    owner->write_corked(bytes);
    owner->finish_if_done();
}

void LoopState::discard_cork(const LoopConn& owner) noexcept {
    if (cork_owner_ != &owner) return;
    cork_owner_ = nullptr;
    cork_len_ = 0;
}

std::uint32_t LoopState::allocate_slot(LoopConn* conn, std::uint32_t& generation) {
    std::uint32_t i;
    if (!free_slots_.empty()) {
        i = free_slots_.back();
        free_slots_.pop_back();
    } else {
        i = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    slots_[i].conn = conn;
    generation = slots_[i].generation;
    ++live_;
    return i;
}

void LoopState::release_slot(std::uint32_t slot) noexcept {
    slots_[slot].conn = nullptr;
    ++slots_[slot].generation;  // handles to the old connection now miss
    free_slots_.push_back(slot);
    --live_;
}

LoopConn* LoopState::find(std::uint32_t slot, std::uint32_t generation) const noexcept {
    if (slot >= slots_.size() || slots_[slot].generation != generation) return nullptr;
    return slots_[slot].conn;
}

void LoopState::mark_dirty(LoopConn& conn) {
    if (conn.dirty_) return;
    conn.dirty_ = true;
    dirty_.push_back(&conn);
    schedule_flush();
}

// One posted task per pass does the end-of-pass work.
void LoopState::schedule_flush() {
    if (flush_posted_) return;
    flush_posted_ = true;
    loop.post([this] { run_flush(); });
}

void LoopState::bury(LoopConn* conn) {
    graveyard_.push_back(conn);
    schedule_flush();
    on_conn_gone();
}

void LoopState::run_flush() {
    flush_posted_ = false;
    flush_cork();
    // A flush may close a connection (write error) but never adds to dirty_ while we iterate:
    // a closed connection is only buried.
    std::vector<LoopConn*> batch;
    batch.swap(dirty_);
    for (LoopConn* c : batch)
        c->flush_queue();
    batch.clear();
    if (dirty_.empty()) dirty_.swap(batch);  // keep the capacity for the next pass
    std::vector<LoopConn*> dead;
    dead.swap(graveyard_);
    for (LoopConn* c : dead)
        delete c;
}

Topic* LoopState::topic(std::string_view name, bool create) {
    if (auto it = topics_.find(name); it != topics_.end()) return it->second.get();
    if (!create) return nullptr;
    auto t = std::make_unique<Topic>();
    t->name.assign(name);
    Topic* raw = t.get();
    topics_.emplace(raw->name, std::move(t));
    engine.hub().topic_opened(raw->name);
    return raw;
}

void LoopState::drop_topic_if_empty(Topic* t) {
    if (!t->subscribers.empty()) return;
    engine.hub().topic_closed(t->name);
    topics_.erase(t->name);
}

LoopCodecs& LoopState::codecs() {
    if (!codecs_) codecs_ = std::make_unique<LoopCodecs>();
    return *codecs_;
}

namespace {

// The data message inside an encoded server frame (unmasked, whole), or nothing for a control
// frame or one already compressed.
bool data_message_of(const SharedFrame& frame, Opcode& op, std::span<const std::uint8_t>& payload) {
    FrameHeader h;
    const auto r = decode_header(frame.bytes(), HeaderOptions{Role::client, rsv1}, h);
    if (r.status != DecodeStatus::done || h.rsv != 0 || is_control(h.opcode) || !h.fin) {
        return false;
    }
    op = h.opcode;
    payload = frame.bytes().subspan(r.consumed);
    return true;
}

}  // namespace

// One message to every subscriber of the loop. RFC 7692: a subscriber that compresses without
// context takeover gets a frame compressed once for every such subscriber with the same window
// (the first one compresses it); one with context takeover needs its own compression (its
// history is its own); the rest get the frame as it is.
void LoopState::deliver(std::string_view name, const SharedFrame& frame) {
    Topic* t = topic(name, false);
    if (t == nullptr) return;
    Opcode op = Opcode::binary;
    std::span<const std::uint8_t> payload;
    const bool data = data_message_of(frame, op, payload);
    std::array<SharedFrame, 8> compressed;  // by window bits - 8, made when first needed
    // Backwards: a send that closes its connection (slow consumer) does not unsubscribe it
    // until the close completes, and a removal swaps in an element already visited.
    auto& subs = t->subscribers;
    for (std::size_t i = subs.size(); i-- > 0;) {
        if (i >= subs.size()) continue;
        LoopConn& c = *subs[i];
        if (!data || !c.compresses(payload.size())) {
            (void)c.send_frame(frame);
        } else if (!c.has(LoopConn::kSendNoTakeover)) {
            (void)c.send(op, payload);
        } else {
            SharedFrame& shared = compressed[static_cast<std::size_t>(c.send_bits_ - 8)];
            if (!shared) {
                MessageDeflater& d = codecs().fresh_deflater(c.send_bits_, c.level_);
                shared = SharedFrame::make(op, codecs().compress(d, payload), rsv1);
            }
            (void)c.send_frame(shared);
        }
    }
}

void LoopState::owe_shutdown(net::EventLoop::Duration drain) {
    shutdown_owed_.store(true, std::memory_order_relaxed);  // published by post()
    loop.post([this, drain] { begin_shutdown(drain); });
}

void LoopState::begin_shutdown(net::EventLoop::Duration drain) {
    shutting_down_ = true;
    for (const Slot& s : slots_) {
        if (s.conn) s.conn->close(close_code::going_away, "server shutting down");
    }
    loop.arm_after(shutdown_timer_, drain);
    on_conn_gone();
}

void LoopState::on_conn_gone() {
    if (shutting_down_ && live_ == 0) finish_shutdown();
}

void LoopState::finish_shutdown() {
    shutting_down_ = false;
    loop.cancel(shutdown_timer_);
    report_shutdown();
}

void LoopState::report_shutdown() {
    if (shutdown_owed_.exchange(false, std::memory_order_acq_rel)) engine.loop_finished();
}

}  // namespace wire::websocket::detail
