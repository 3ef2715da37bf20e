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

Engine::~Engine() {
    // Here, not by the members' destructors: detaching a loop may finish a shutdown, which
    // needs the rest of the Engine.
    for (std::size_t i = 0; i < loop_count(); ++i)
        states_[i].reset();
}

detail::LoopState* Engine::find_state(const net::EventLoop& loop) const noexcept {
    const std::size_t n = loop_count();
    for (std::size_t i = 0; i < n; ++i) {
        // A detached entry's loop is gone; a new loop may have its address.
        if (states_[i]->attached() && &states_[i]->loop == &loop) return states_[i].get();
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
    if (detail::LoopState* s = find_state(loop)) {
        detail::LoopCounters::add(s->counters.refused, 1);
    } else {
        refused_elsewhere_.fetch_add(1, std::memory_order_relaxed);
    }
}

bool Engine::reserve() noexcept {
    if (!admit()) return false;
    if (open_.fetch_add(1, std::memory_order_relaxed) < admission_.max_connections) return true;
    unreserve();  // another loop took the last one between the check and the add
    return false;
}

LoopConn* Engine::adopt(net::EventLoop& loop, net::Socket socket,
                        std::span<const std::uint8_t> already_read, const Endpoint& endpoint,
                        bool reserved, const std::optional<DeflateParams>& deflate,
                        bool registered) {
    detail::LoopState& st = state(loop);
    (void)socket.set_no_delay(true);  // frames are whole when written: Nagle would only delay
    std::uint32_t generation = 0;
    const std::uint32_t slot = st.allocate_slot(nullptr, generation);
    auto* conn = new LoopConn(st, std::move(socket), endpoint, slot, generation);
    const int fd = conn->socket_.fd();
    const std::error_code refused =
        registered ? loop.hand_over(fd, conn) : loop.add(fd, net::Interest::readable, conn);
    if (refused) {
        st.release_slot(slot);
        delete conn;
        if (reserved) unreserve();
        return nullptr;
    }
    st.assign_slot(slot, conn);
    // Only on_readable reads the socket: on io_uring the loop receives its bytes ahead.
    loop.receive_ahead(conn->socket_.fd());
    if (deflate) conn->use_deflate(*deflate);
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
    s.refused += refused_elsewhere_.load(std::memory_order_relaxed);
    return s;
}

void Engine::shutdown(net::EventLoop::Duration drain, std::function<void()> done) {
    {
        std::unique_lock lock(shutdown_mu_);
        if (phase_ == Phase::draining) {  // joins the shutdown under way
            waiters_.push_back(std::move(done));
            return;
        }
        if (phase_ == Phase::finished) {
            lock.unlock();
            if (done) done();
            return;
        }
        phase_ = Phase::draining;
        waiters_.push_back(std::move(done));
        shutting_down_.store(true, std::memory_order_release);
    }
    // One count for this call, dropped below, so that no loop can finish before all are asked.
    loops_left_.store(1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < loop_count(); ++i) {
        detail::LoopState& s = *states_[i];
        if (!s.attached()) continue;  // its loop is gone, and its connections with it
        loops_left_.fetch_add(1, std::memory_order_relaxed);
        s.owe_shutdown(drain);
    }
    loop_finished();
}

void Engine::loop_finished() {
    if (loops_left_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard lock(shutdown_mu_);
        phase_ = Phase::finished;
        waiters.swap(waiters_);
    }
    for (auto& done : waiters) {
        if (done) done();
    }
}

}  // namespace wire::websocket
