// Engine: the event-driven WebSocket side of a LoopGroup. It takes over upgraded sockets on the
// loop that accepted them (adopt), runs them as LoopConns with an Endpoint's callbacks, and owns
// what is shared: the per-loop state, the Hub, the counters, admission control and shutdown.
// wire:glue
//
// An HTTP server hands a connection over after its 101 response with adopt() (websocket::handle
// in route.hpp does this for a ServeMux); the standalone WebSocketServer (ws_server.hpp) does the
// same after its own handshake.
//
// Loops are known from a LoopGroup given at construction, or discovered on the first adopt() on
// each (an HTTP server does not show its loops): at most max_loops, kept in a fixed table that
// publish() reads without a lock.
//
// Lifetime: destroy it while its loops are not running (stopped, or already destroyed). It may
// be declared before or after the Server or LoopGroup that owns them: a loop destroyed first
// closes the Engine's connections on it (EventLoop::on_destroy), and an Engine destroyed first
// closes them itself, in both cases without callbacks.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "net/event_loop.hpp"
#include "net/loop_group.hpp"
#include "net/socket.hpp"
#include "websocket/deflate_params.hpp"
#include "websocket/event_handlers.hpp"
#include "websocket/event_stats.hpp"
#include "websocket/hub.hpp"

namespace wire::websocket {

class LoopConn;

namespace detail {
class LoopState;
}

// Limits that apply to an Engine as a whole; past either, new upgrades are answered 503 before
// memory runs out. Per-connection limits are in each Endpoint's EventOptions.
struct Admission {
    std::size_t max_connections = 1'000'000;
    std::size_t max_total_queued_bytes = 512 * 1024 * 1024;  // over all send queues
};

class Engine {
  public:
    static constexpr std::size_t max_loops = 256;

    Engine() : Engine(Admission{}) {}
    explicit Engine(Admission admission);
    explicit Engine(net::LoopGroup& group) : Engine(group, Admission{}) {}
    Engine(net::LoopGroup& group, Admission admission);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Any thread: whether a new connection may be opened now (under max_connections and
    // max_total_queued_bytes, not shutting down). When false the upgrade is answered 503.
    [[nodiscard]] bool admit() const noexcept;
    // Any thread: admit() and, when true, take one connection of max_connections at once, so
    // that concurrent handshakes on several loops cannot overshoot it. Pass `reserved = true`
    // to adopt(), or give it back with unreserve() if the handshake fails.
    [[nodiscard]] bool reserve() noexcept;
    void unreserve() noexcept { open_.fetch_sub(1, std::memory_order_relaxed); }
    // `loop`'s thread, after admit() was false: counts an upgrade refused with 503.
    void count_refused(const net::EventLoop& loop) noexcept;

    // `loop`'s thread: takes over `socket` (non-blocking, the 101 already sent). `already_read`
    // holds bytes the peer sent after its handshake. Calls on_open, then handles those bytes.
    // `endpoint` must outlive the connection. Returns nullptr if the loop refused the fd.
    // `deflate`: what permessage-deflate the handshake agreed on (RFC 7692), if any.
    // `registered`: the socket is already added to `loop` for readable interest (by whoever
    // read the handshake) and the connection takes that registration over.
    LoopConn* adopt(net::EventLoop& loop, net::Socket socket,
                    std::span<const std::uint8_t> already_read, const Endpoint& endpoint,
                    bool reserved = false, const std::optional<DeflateParams>& deflate = {},
                    bool registered = false);

    Hub& hub() noexcept { return hub_; }
    [[nodiscard]] EventStats stats() const noexcept;
    // Loops known so far (any thread).
    [[nodiscard]] std::size_t loop_count() const noexcept {
        return count_.load(std::memory_order_acquire);
    }

    // Any thread. Graceful shutdown (RFC 6455 §7.4.1, 1001 "going away"): every connection gets
    // a close frame with 1001 after what it has queued; connections whose closing handshake has
    // not finished after `drain` are dropped. New upgrades are refused from now on (503, and
    // adopt() closes with 1001).
    // There is one shutdown however often this is called. `done` runs once when it completes,
    // on the thread of the last loop to finish (or the one destroying a loop or the Engine, if
    // that comes first). A call while it is under way adds its `done` (its `drain` is ignored);
    // a call after it completed, or on an Engine that knows no loop yet, runs `done` at once,
    // inline on the calling thread.
    void shutdown(net::EventLoop::Duration drain, std::function<void()> done = {});
    [[nodiscard]] bool shutting_down() const noexcept {
        return shutting_down_.load(std::memory_order_acquire);
    }

    // Internal.
    detail::LoopState& state(net::EventLoop& loop);  // found or added
    detail::LoopState* find_state(const net::EventLoop& loop) const noexcept;
    detail::LoopState& state(std::size_t i) const noexcept { return *states_[i]; }
    std::atomic<std::size_t>& open_connections() noexcept { return open_; }
    void loop_finished();  // each loop that shutdown() counted, once

  private:
    Admission admission_;
    // Written under add_mu_, read without a lock below count_ (entries never move).
    std::array<std::unique_ptr<detail::LoopState>, max_loops> states_;
    std::atomic<std::size_t> count_{0};
    std::mutex add_mu_;
    Hub hub_;
    std::atomic<std::size_t> open_{0};
    // Refusals on a loop that has no state (none adopted there yet): not worth creating one.
    std::atomic<std::uint64_t> refused_elsewhere_{0};
    std::atomic<bool> shutting_down_{false};  // set once, by the first shutdown()

    enum class Phase { running, draining, finished };
    std::mutex shutdown_mu_;
    Phase phase_ = Phase::running;                // guarded by shutdown_mu_
    std::vector<std::function<void()>> waiters_;  // guarded by shutdown_mu_: the `done`s
    std::atomic<std::size_t> loops_left_{0};
};

}  // namespace wire::websocket
