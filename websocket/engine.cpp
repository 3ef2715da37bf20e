// wire:glue
#include "websocket/engine.hpp"

#include <stdexcept>

#include "websocket/detail/loop_state.hpp"
#include "websocket/loop_conn.hpp"

namespace wire::websocket {

void detail::LoopCounters::add_to(EventStats& s) const noexcept {
    constexpr auto r = std::memory_order_relaxed;
    s.connections += connections.load(r);
    s.accepted += accepted.load(r);
    s.refused += refused.load(r);
    s.messages_in += messages_in.load(r);
    s.bytes_in += bytes_in.load(r);
    s.messages_out += messages_out.load(r);
    s.bytes_out += bytes_out.load(r);
    s.dropped += dropped.load(r);
    s.queued_bytes += queued_bytes.load(r);
    for (std::size_t i = 0; i < closes_by_code.size(); ++i)
        s.closes_by_code[i] += closes_by_code[i].load(r);
    s.closes_other += closes_other.load(r);
}

Engine::Engine(net::LoopGroup& group, Admission admission)
    : group_(group), admission_(admission), hub_(*this) {
    for (std::size_t i = 0; i < group.size(); ++i) {
        states_.push_back(std::make_unique<detail::LoopState>(*this, group.loop(i), i));
    }
}

Engine::~Engine() = default;

detail::LoopState& Engine::state(const net::EventLoop& loop) const {
    for (const auto& s : states_) {
        if (&s->loop == &loop) return *s;
    }
    throw std::invalid_argument("websocket::Engine: the loop is not one of the group's");
}

bool Engine::admit() const noexcept {
    if (shutting_down()) return false;
    if (open_.load(std::memory_order_relaxed) >= admission_.max_connections) return false;
    std::uint64_t queued = 0;
    for (const auto& s : states_)
        queued += s->counters.queued_bytes.load(std::memory_order_relaxed);
    return queued < admission_.max_total_queued_bytes;
}

void Engine::count_refused(const net::EventLoop& loop) noexcept {
    detail::LoopCounters::add(state(loop).counters.refused, 1);
}

LoopConn* Engine::adopt(net::EventLoop& loop, net::Socket socket,
                        std::span<const std::uint8_t> already_read, const Endpoint& endpoint) {
    detail::LoopState& st = state(loop);
    (void)socket.set_no_delay(true);  // frames are whole when written: Nagle would only delay
    std::uint32_t generation = 0;
    const std::uint32_t slot = st.allocate_slot(nullptr, generation);
    auto* conn = new LoopConn(st, std::move(socket), endpoint, slot, generation);
    if (loop.add(conn->socket_.fd(), net::Interest::readable, conn)) {
        st.release_slot(slot);
        delete conn;
        return nullptr;
    }
    st.assign_slot(slot, conn);
    open_.fetch_add(1, std::memory_order_relaxed);
    detail::LoopCounters::add(st.counters.connections, 1);
    detail::LoopCounters::add(st.counters.accepted, 1);
    conn->start(already_read);
    return conn;
}

EventStats Engine::stats() const noexcept {
    EventStats s;
    for (const auto& st : states_)
        st->counters.add_to(s);
    return s;
}

void Engine::shutdown(net::EventLoop::Duration drain, std::function<void()> done) {
    if (shutting_down_.exchange(true, std::memory_order_acq_rel)) return;
    loops_left_.store(states_.size(), std::memory_order_relaxed);
    auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
    for (const auto& st : states_) {
        detail::LoopState* s = st.get();
        s->loop.post([this, s, drain, shared_done] {
            s->begin_shutdown(drain, [this, shared_done] {
                if (loops_left_.fetch_sub(1, std::memory_order_acq_rel) == 1 && *shared_done) {
                    (*shared_done)();
                }
            });
        });
    }
}

}  // namespace wire::websocket
