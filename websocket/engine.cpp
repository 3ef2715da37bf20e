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

Engine::Engine(Admission admission) : admission_(admission), hub_(*this) {}

Engine::Engine(net::LoopGroup& group, Admission admission) : Engine(admission) {
    for (std::size_t i = 0; i < group.size(); ++i)
        (void)state(group.loop(i));
}

Engine::~Engine() = default;

detail::LoopState* Engine::find_state(const net::EventLoop& loop) const noexcept {
    const std::size_t n = loop_count();
    for (std::size_t i = 0; i < n; ++i) {
        if (&states_[i]->loop == &loop) return states_[i].get();
    }
    return nullptr;
}

detail::LoopState& Engine::state(net::EventLoop& loop) {
    if (detail::LoopState* s = find_state(loop)) return *s;
    std::lock_guard lock(add_mu_);
    if (detail::LoopState* s = find_state(loop)) return *s;
    const std::size_t n = count_.load(std::memory_order_relaxed);
    if (n == max_loops) throw std::length_error("websocket::Engine: more than max_loops loops");
    states_[n] = std::make_unique<detail::LoopState>(*this, loop, n);
    count_.store(n + 1, std::memory_order_release);  // publishes the new entry
    return *states_[n];
}

bool Engine::admit() const noexcept {
    if (shutting_down()) return false;
    if (open_.load(std::memory_order_relaxed) >= admission_.max_connections) return false;
    std::uint64_t queued = 0;
    for (std::size_t i = 0; i < loop_count(); ++i)
        queued += states_[i]->counters.queued_bytes.load(std::memory_order_relaxed);
    return queued < admission_.max_total_queued_bytes;
}

void Engine::count_refused(const net::EventLoop& loop) noexcept {
    if (detail::LoopState* s = find_state(loop)) detail::LoopCounters::add(s->counters.refused, 1);
}

bool Engine::reserve() noexcept {
    if (!admit()) return false;
    if (open_.fetch_add(1, std::memory_order_relaxed) < admission_.max_connections) return true;
    unreserve();  // another loop took the last one between the check and the add
    return false;
}

LoopConn* Engine::adopt(net::EventLoop& loop, net::Socket socket,
                        std::span<const std::uint8_t> already_read, const Endpoint& endpoint,
                        bool reserved) {
    detail::LoopState& st = state(loop);
    (void)socket.set_no_delay(true);  // frames are whole when written: Nagle would only delay
    std::uint32_t generation = 0;
    const std::uint32_t slot = st.allocate_slot(nullptr, generation);
    auto* conn = new LoopConn(st, std::move(socket), endpoint, slot, generation);
    if (loop.add(conn->socket_.fd(), net::Interest::readable, conn)) {
        st.release_slot(slot);
        delete conn;
        if (reserved) unreserve();
        return nullptr;
    }
    st.assign_slot(slot, conn);
    if (!reserved) open_.fetch_add(1, std::memory_order_relaxed);
    detail::LoopCounters::add(st.counters.connections, 1);
    detail::LoopCounters::add(st.counters.accepted, 1);
    conn->start(already_read);
    // Upgraded while shutdown() runs (its 101 went out before the refusals began, maybe on a loop
    // shutdown() did not know yet): it gets its 1001 now, written at once rather than corked,
    // since the loop may be told to stop before this pass ends.
    if (shutting_down() && conn->is_open()) {
        conn->close(close_code::going_away, "server shutting down");
        st.flush_cork();
    }
    return conn;
}

EventStats Engine::stats() const noexcept {
    EventStats s;
    for (std::size_t i = 0; i < loop_count(); ++i)
        states_[i]->counters.add_to(s);
    return s;
}

void Engine::shutdown(net::EventLoop::Duration drain, std::function<void()> done) {
    if (shutting_down_.exchange(true, std::memory_order_acq_rel)) return;
    const std::size_t n = loop_count();
    auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
    if (n == 0) {
        if (*shared_done) (*shared_done)();
        return;
    }
    loops_left_.store(n, std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) {
        detail::LoopState* s = states_[i].get();
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
