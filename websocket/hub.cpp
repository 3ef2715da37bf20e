// wire:glue
#include "websocket/hub.hpp"

#include <algorithm>
#include <string>

#include "websocket/detail/loop_state.hpp"
#include "websocket/engine.hpp"
#include "websocket/loop_conn.hpp"

namespace wire::websocket {

void Hub::subscribe(LoopConn& conn, std::string_view topic) {
    detail::LoopState& st = conn.state_;
    if (conn.closed_) return;
    detail::Topic* t = st.topic(topic, true);
    if (std::find(conn.topics_.begin(), conn.topics_.end(), t) != conn.topics_.end()) return;
    t->subscribers.push_back(&conn);
    conn.topics_.push_back(t);
}

void Hub::unsubscribe(LoopConn& conn, std::string_view topic) {
    detail::LoopState& st = conn.state_;
    detail::Topic* t = st.topic(topic, false);
    if (t == nullptr) return;
    const auto it = std::find(conn.topics_.begin(), conn.topics_.end(), t);
    if (it == conn.topics_.end()) return;
    conn.topics_.erase(it);
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
    publish(topic, SharedFrame::make(op, payload));
}

void Hub::publish(std::string_view topic, const SharedFrame& frame) {
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

}  // namespace wire::websocket
