// Counters of the event-driven side, readable from code (Engine::stats()).
//
// Each loop counts into its own LoopCounters (relaxed atomics written by that loop only, so no
// cache line is shared between loops on the hot path); stats() adds them up from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace wire::websocket {

// A snapshot. Closes are counted by the code on_close reported: 1000-1015 at [code - 1000]
// (1005: the peer sent no code; 1006: the connection ended without a close frame), others apart.
struct EventStats {
    std::uint64_t connections = 0;  // open now
    std::uint64_t accepted = 0;     // ever opened
    std::uint64_t refused = 0;      // upgrades answered 503 by admission control
    std::uint64_t messages_in = 0;
    std::uint64_t bytes_in = 0;  // payload bytes of data messages
    std::uint64_t messages_out = 0;
    std::uint64_t bytes_out = 0;     // frame bytes written to sockets
    std::uint64_t dropped = 0;       // messages send() dropped
    std::uint64_t queued_bytes = 0;  // waiting in send queues now
    std::array<std::uint64_t, 16> closes_by_code{};
    std::uint64_t closes_other = 0;

    [[nodiscard]] std::uint64_t closes(std::uint16_t code) const noexcept {
        return code >= 1000 && code < 1016 ? closes_by_code[code - 1000u] : 0;
    }
};

namespace detail {

struct LoopCounters {
    using Counter = std::atomic<std::uint64_t>;
    Counter connections{0}, accepted{0}, refused{0};
    Counter messages_in{0}, bytes_in{0}, messages_out{0}, bytes_out{0}, dropped{0};
    Counter queued_bytes{0};
    std::array<Counter, 16> closes_by_code{};
    Counter closes_other{0};

    // Single writer (the loop thread): a relaxed load and store, no locked instruction.
    static void add(Counter& c, std::uint64_t n) noexcept {
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    static void sub(Counter& c, std::uint64_t n) noexcept {
        c.store(c.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
    }
    void count_close(std::uint16_t code) noexcept {
        add(code >= 1000 && code < 1016 ? closes_by_code[code - 1000u] : closes_other, 1);
    }
    void add_to(EventStats& s) const noexcept;
};

}  // namespace detail
}  // namespace wire::websocket
