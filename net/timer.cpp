#include "net/timer.hpp"

namespace wire::net {

Timer::~Timer() {
    if (heap_ != nullptr) heap_->cancel(*this);
}

TimerHeap::~TimerHeap() {
    for (Timer* t : entries_)
        t->heap_ = nullptr;
}

void TimerHeap::place(std::size_t i, Timer* t) noexcept {
    entries_[i] = t;
    t->index_ = static_cast<std::uint32_t>(i);
}

void TimerHeap::sift_up(std::size_t i) noexcept {
    Timer* t = entries_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(t, entries_[parent])) break;
        place(i, entries_[parent]);
        i = parent;
    }
    place(i, t);
}

void TimerHeap::sift_down(std::size_t i) noexcept {
    Timer* t = entries_[i];
    const std::size_t n = entries_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(entries_[child + 1], entries_[child])) ++child;
        if (!before(entries_[child], t)) break;
        place(i, entries_[child]);
        i = child;
    }
    place(i, t);
}

void TimerHeap::arm(Timer& t, TimePoint when) {
    if (t.heap_ == this) {
        // Later than its heap key: just note it (the O(1) re-arm of the header comment).
        t.deadline_ = when;
        if (when >= t.key_) return;
        t.key_ = when;
        sift_up(t.index_);
        return;
    }
    if (t.heap_ != nullptr) t.heap_->cancel(t);  // armed on another loop's heap
    t.heap_ = this;
    t.key_ = t.deadline_ = when;
    t.seq_ = next_seq_++;
    entries_.push_back(&t);
    sift_up(entries_.size() - 1);
}

void TimerHeap::remove_at(std::size_t i) noexcept {
    Timer* last = entries_.back();
    entries_.pop_back();
    if (i == entries_.size()) return;  // it was the last one
    place(i, last);
    sift_down(i);
    sift_up(last->index_);
}

void TimerHeap::cancel(Timer& t) noexcept {
    if (t.heap_ != this) return;
    remove_at(t.index_);
    t.heap_ = nullptr;
}

std::size_t TimerHeap::run_due(TimePoint now) {
    std::size_t fired = 0;
    while (!entries_.empty() && entries_.front()->key_ <= now) {
        Timer* t = entries_.front();
        if (t->deadline_ != t->key_) {
            // Pushed back lazily: file it again under its real deadline (even if that is due
            // too, so that due timers still fire in deadline order).
            t->key_ = t->deadline_;
            t->seq_ = next_seq_++;
            sift_down(0);
            continue;
        }
        remove_at(0);
        t->heap_ = nullptr;
        ++fired;
        t->callback_(*t, t->user_);  // last: the callback may re-arm or destroy the timer
    }
    return fired;
}

}  // namespace wire::net
