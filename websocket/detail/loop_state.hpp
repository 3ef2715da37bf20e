// LoopState: what the event-driven WebSocket side keeps per event loop, touched only by that
// loop's thread (except the counters, read by Engine::stats()).
// wire:glue
//
//  - the shared receive buffer every connection of the loop reads into;
//  - the cork: one output buffer, owned by one connection at a time, that collects the small
//    frames sent during a read handler (or a loop pass) so that they leave in one write(2)
//    (epoll only: an io_uring loop holds a pass's sends itself);
//  - the connection table behind ConnHandle (slot + generation);
//  - the list of send queues to flush at the end of the pass (broadcast batching), and the
//    connections closed during the pass, deleted at its end (a callback may still hold them);
//  - the Hub's topics for the connections of this loop;
//  - graceful shutdown's progress.
//
// Lifetime: a LoopState lives as long as its Engine, but its loop may go first (a Server
// declared before the Engine). A teardown hook on the loop (EventLoop::on_destroy) then closes
// its connections and detaches it; from then on nothing touches the loop.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/event_loop.hpp"
#include "net/timer.hpp"
#include "websocket/event_stats.hpp"
#include "websocket/shared_frame.hpp"

namespace wire::websocket {

class Engine;
class LoopConn;

namespace detail {

class LoopCodecs;

// The connections of one loop subscribed to one topic.
struct Topic {
    std::string name;
    std::vector<LoopConn*> subscribers;
};

class LoopState {
  public:
    // The receive buffer: 256 KiB, so that a 64 KiB message usually arrives whole in one read
    // and is handled in place (a frame cut by the read is copied out).
    static constexpr std::size_t rx_size = 256 * 1024;
    // Frames up to this size go through the cork; larger ones are written directly.
    static constexpr std::size_t cork_size = 16 * 1024;

    LoopState(Engine& engine, net::EventLoop& loop, std::size_t index);
    ~LoopState();  // detach(), unless the loop already did
    LoopState(const LoopState&) = delete;
    LoopState& operator=(const LoopState&) = delete;

    Engine& engine;
    net::EventLoop& loop;  // only while attached()
    const std::size_t index;
    LoopCounters counters;

    std::uint8_t* rx() noexcept { return rx_.get(); }
    // permessage-deflate's shared state (loop_codecs.hpp), made at the first use.
    LoopCodecs& codecs();

    // The cork (see above); none when the loop batches sends itself.
    std::uint8_t* cork_tail() noexcept { return cork_.get() + cork_len_; }
    std::size_t cork_room() const noexcept { return cork_size - cork_len_; }
    LoopConn* cork_owner() const noexcept { return cork_owner_; }
    void cork_append(LoopConn& owner, std::size_t n);
    void flush_cork();
    void discard_cork(const LoopConn& owner) noexcept;
    // While a read handler runs it flushes the cork itself when it returns.
    bool in_read = false;
    // An io_uring loop keeps every send of a pass and hands them to the kernel together at its
    // end, one send per socket (net/event_loop.hpp, send): frames then go to it directly, as
    // corking them here first would copy each one twice. On epoll each send is a system call,
    // which the cork saves.
    const bool loop_batches_sends;

    // The connection table.
    std::uint32_t allocate_slot(LoopConn* conn, std::uint32_t& generation);
    void assign_slot(std::uint32_t slot, LoopConn* conn) noexcept { slots_[slot].conn = conn; }
    void release_slot(std::uint32_t slot) noexcept;
    LoopConn* find(std::uint32_t slot, std::uint32_t generation) const noexcept;
    std::size_t live() const noexcept { return live_; }
    std::size_t slot_count() const noexcept { return slots_.size(); }
    // What one connection's entry in the table costs (a pointer and a generation).
    static constexpr std::size_t slot_bytes = 16;

    // End of pass work: dirty queues, cork, graveyard.
    void mark_dirty(LoopConn& conn);
    void schedule_flush();
    void bury(LoopConn* conn);

    // Hub topics of this loop.
    Topic* topic(std::string_view name, bool create);
    void drop_topic_if_empty(Topic* t);
    void deliver(std::string_view topic, const SharedFrame& frame);

    // Graceful shutdown (Engine::shutdown). Any thread: owe_shutdown() posts begin_shutdown to
    // the loop, and the loop reports to Engine::loop_finished once, when its last connection is
    // gone or when it is detached, whichever comes first.
    void owe_shutdown(net::EventLoop::Duration drain);
    void on_conn_gone();

    // Any thread: false once the loop is gone (or going).
    [[nodiscard]] bool attached() const noexcept {
        return attached_.load(std::memory_order_acquire);
    }
    // The loop is being destroyed, or the Engine is (the loop not running): closes every
    // connection without callbacks (the peers see TCP close: 1006, RFC 6455 §7.1.5) and reports
    // any shutdown owed. The loop is not touched afterwards.
    void detach();

  private:
    struct Slot {
        LoopConn* conn = nullptr;
        std::uint32_t generation = 0;
    };
    static_assert(sizeof(Slot) == slot_bytes);
    void run_flush();
    void begin_shutdown(net::EventLoop::Duration drain);
    void finish_shutdown();
    void report_shutdown();

    std::unique_ptr<std::uint8_t[]> rx_;
    std::unique_ptr<LoopCodecs> codecs_;
    std::unique_ptr<std::uint8_t[]> cork_;
    std::size_t cork_len_ = 0;
    LoopConn* cork_owner_ = nullptr;

    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::size_t live_ = 0;

    std::vector<LoopConn*> dirty_;
    std::vector<LoopConn*> graveyard_;
    bool flush_posted_ = false;

    std::unordered_map<std::string_view, std::unique_ptr<Topic>> topics_;  // keys view Topic::name

    bool shutting_down_ = false;
    std::atomic<bool> shutdown_owed_{false};
    net::Timer shutdown_timer_;

    std::atomic<bool> attached_{true};
    std::uint64_t destroy_hook_ = 0;  // the loop's key for our teardown hook
};

}  // namespace detail
}  // namespace wire::websocket
