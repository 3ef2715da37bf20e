// wire:glue
#include "websocket/hub.hpp"

#include <algorithm>
#include <string>

#include "crypto/random.hpp"
#include "websocket/detail/loop_state.hpp"
#include "websocket/engine.hpp"
#include "websocket/envelope.hpp"
#include "websocket/loop_conn.hpp"

namespace wire::websocket {
namespace {

// The payload of an unmasked server frame (RFC 6455 §5.2): after 2, 4 or 10 header bytes.
std::span<const std::uint8_t> frame_payload(std::span<const std::uint8_t> f) {
    if (f.size() < 2) return {};
    const std::uint8_t len7 = f[1] & 0x7F;
    const std::size_t header = len7 == 127 ? 10 : len7 == 126 ? 4 : 2;
    return f.size() < header ? std::span<const std::uint8_t>{} : f.subspan(header);
}

}  // namespace

Hub::Hub(Engine& engine) : engine_(engine) {
    std::span<std::uint8_t> bytes(reinterpret_cast<std::uint8_t*>(&instance_id_),
                                  sizeof instance_id_);
    if (crypto::fill_random(bytes)) instance_id_ = reinterpret_cast<std::uintptr_t>(this);
}

Hub::~Hub() {
    if (Backplane* bp = backplane()) bp->attach(nullptr);
}

void Hub::subscribe(LoopConn& conn, std::string_view topic) {
    detail::LoopState& st = conn.state_;
    if (conn.closed_) return;
    detail::Topic* t = st.topic(topic, true);
    auto& topics = conn.extra().topics;
    if (std::find(topics.begin(), topics.end(), t) != topics.end()) return;
    t->subscribers.push_back(&conn);
    topics.push_back(t);
}

void Hub::unsubscribe(LoopConn& conn, std::string_view topic) {
    detail::LoopState& st = conn.state_;
    detail::Topic* t = st.topic(topic, false);
    if (t == nullptr) return;
    if (!conn.extra_) return;
    auto& topics = conn.extra_->topics;
    const auto it = std::find(topics.begin(), topics.end(), t);
    if (it == topics.end()) return;
    topics.erase(it);
    auto& subs = t->subscribers;
    // Order among subscribers does not matter: swap with the last and pop.
    *std::find(subs.begin(), subs.end(), &conn) = subs.back();
    subs.pop_back();
    st.drop_topic_if_empty(t);
}

std::size_t Hub::local_subscribers(std::string_view topic) const {
    net::EventLoop* loop = net::EventLoop::current();
    if (loop == nullptr) return 0;
    detail::LoopState* st = engine_.find_state(*loop);
    detail::Topic* t = st ? st->topic(topic, false) : nullptr;
    return t ? t->subscribers.size() : 0;
}

void Hub::publish(std::string_view topic, Opcode op, std::span<const std::uint8_t> payload) {
    publish_local(topic, SharedFrame::make(op, payload));
    Backplane* bp = backplane();
    if (bp == nullptr) return;
    const auto head = encode_envelope_header(instance_id_, op);
    if (!bp->publish(topic, head, payload)) lost_.fetch_add(1, std::memory_order_relaxed);
}

void Hub::publish(std::string_view topic, const SharedFrame& frame) {
    publish_local(topic, frame);
    Backplane* bp = backplane();
    if (bp == nullptr || !frame) return;
    const auto op = static_cast<Opcode>(frame.bytes()[0] & 0x0F);
    const auto head = encode_envelope_header(instance_id_, op);
    if (!bp->publish(topic, head, frame_payload(frame.bytes()))) {
        lost_.fetch_add(1, std::memory_order_relaxed);
    }
}

void Hub::publish_local(std::string_view topic, const SharedFrame& frame) {
    net::EventLoop* here = net::EventLoop::current();
    for (std::size_t i = 0; i < engine_.loop_count(); ++i) {
        detail::LoopState& st = engine_.state(i);
        if (!st.attached()) continue;  // its loop and its connections are gone
        if (&st.loop == here) {
            st.deliver(topic, frame);
        } else {
            st.loop.post([&st, name = std::string(topic), frame] { st.deliver(name, frame); });
        }
    }
}

void Hub::set_backplane(Backplane* bp) {
    if (Backplane* old = backplane()) old->attach(nullptr);
    if (bp) bp->attach(this);
    backplane_.store(bp, std::memory_order_release);
    if (bp == nullptr) return;
    std::lock_guard g(topics_mu_);
    for (const auto& [topic, loops] : loops_using_)
        bp->subscribe(topic);
}

// Counted per loop, not per connection: the backplane hears only the first and the last.
void Hub::topic_opened(std::string_view topic) {
    std::lock_guard g(topics_mu_);
    auto [it, added] = loops_using_.try_emplace(std::string(topic), 0);
    if (it->second++ == 0) {
        if (Backplane* bp = backplane()) bp->subscribe(topic);
    }
}

void Hub::topic_closed(std::string_view topic) {
    std::lock_guard g(topics_mu_);
    const auto it = loops_using_.find(std::string(topic));
    if (it == loops_using_.end() || --it->second > 0) return;
    loops_using_.erase(it);
    if (Backplane* bp = backplane()) bp->unsubscribe(topic);
}

// Another instance's message (or our own, coming back): delivered here unless it is ours.
void Hub::on_backplane_message(std::string_view topic, std::span<const std::uint8_t> message) {
    Envelope e;
    if (!decode_envelope(message, e)) return;  // not an envelope: someone else's traffic
    if (e.origin == instance_id_) return;      // delivered locally when it was published
    publish_local(topic, SharedFrame::make(e.opcode, e.payload));
}

}  // namespace wire::websocket
