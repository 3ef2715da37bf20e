// Timer and TimerHeap: the event loop's timers (idle, header and write timeouts).
//
// A Timer is owned by its user (typically a member of a connection object), so arming one never
// allocates. The heap holds pointers and each Timer knows its index in the heap: arming is
// O(log n), cancelling is O(log n).
//
// Re-arming later is O(1). A server pushes its idle timeout back on every request; that would be
// a sift per request. Instead arm() with a later time only records the new deadline and leaves
// the heap entry where it is. When the old entry comes due, the heap sees the deadline moved and
// re-files the timer (one sift per timeout period, not per request). nginx and Go's netpoll
// deadlines use variations of this.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wire::net {

class TimerHeap;

class Timer {
  public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;
    // A plain function pointer plus a user pointer: no allocation, no std::function. A lambda
    // without captures converts: Timer t([](Timer&, void* me) { ... }, this);
    using Callback = void (*)(Timer& timer, void* user);

    Timer(Callback callback, void* user) noexcept : callback_(callback), user_(user) {}
    ~Timer();  // cancels the timer if it is armed
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    bool armed() const noexcept { return heap_ != nullptr; }
    TimePoint deadline() const noexcept { return deadline_; }

  private:
    friend class TimerHeap;
    Callback callback_;
    void* user_;
    TimerHeap* heap_ = nullptr;  // set while armed
    std::uint32_t index_ = 0;    // position in heap_->entries_
    // Arming order: equal deadlines fire first-armed first. 32 bits, compared as a sequence
    // number (RFC 1982's serial arithmetic): timers with the same key are armed within far fewer
    // than 2^31 arms of each other, and the 8 bytes saved are paid by every idle connection.
    std::uint32_t seq_ = 0;
    TimePoint key_{};       // the time the heap orders by (<= deadline_)
    TimePoint deadline_{};  // when the timer really fires
};

// A binary min-heap of armed Timers. Single-threaded: the event loop's thread only.
// Every connection holds one: its size is part of an idle connection's cost.
static_assert(sizeof(Timer) <= 48 || sizeof(void*) > 8);

class TimerHeap {
  public:
    using TimePoint = Timer::TimePoint;

    TimerHeap() = default;
    ~TimerHeap();  // disarms what is left
    TimerHeap(const TimerHeap&) = delete;
    TimerHeap& operator=(const TimerHeap&) = delete;

    // Arms `t` to fire at `when`, moving it if it is already armed (later: O(1), see above).
    void arm(Timer& t, TimePoint when);
    void cancel(Timer& t) noexcept;

    bool empty() const noexcept { return entries_.empty(); }
    std::size_t size() const noexcept { return entries_.size(); }
    // The earliest heap key: a poll timeout that never sleeps past a due timer (it may wake
    // early for a timer pushed back lazily; run_due then re-files it).
    TimePoint next() const noexcept { return entries_.front()->key_; }

    // Fires every timer due at `now`, earliest first. A callback may arm or cancel any timer,
    // itself included. Returns the number fired.
    std::size_t run_due(TimePoint now);

  private:
    static bool before(const Timer* a, const Timer* b) noexcept {
        return a->key_ < b->key_ ||
               (a->key_ == b->key_ && static_cast<std::int32_t>(a->seq_ - b->seq_) < 0);
    }
    void place(std::size_t i, Timer* t) noexcept;
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;
    void remove_at(std::size_t i) noexcept;

    std::vector<Timer*> entries_;
    std::uint32_t next_seq_ = 0;
};

}  // namespace wire::net
