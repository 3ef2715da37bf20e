#include "net/timer.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <random>
#include <vector>

using namespace wire::net;
using namespace std::chrono_literals;

namespace {
using TimePoint = Timer::TimePoint;
const TimePoint t0 = Timer::Clock::now();

struct Recorder {
    std::vector<int> fired;
};
// A timer that records its id when it fires.
struct Tagged {
    Tagged(Recorder& r, int id_) : rec(&r), id(id_) {}
    Recorder* rec;
    int id;
    Timer timer{[](Timer&, void* self) {
                    auto* t = static_cast<Tagged*>(self);
                    t->rec->fired.push_back(t->id);
                },
                this};
};
}  // namespace

TEST_CASE("timers fire in deadline order, ties in arming order, only when due") {
    TimerHeap heap;
    Recorder rec;
    std::vector<std::unique_ptr<Tagged>> timers;
    const int delays[] = {50, 10, 30, 10, 40, 20};
    for (int i = 0; i < 6; ++i) {
        timers.push_back(std::make_unique<Tagged>(rec, i));
        heap.arm(timers.back()->timer, t0 + std::chrono::milliseconds(delays[i]));
    }
    CHECK(heap.next() == t0 + 10ms);
    CHECK(heap.run_due(t0 + 5ms) == 0);
    CHECK(heap.run_due(t0 + 30ms) == 4);
    CHECK(rec.fired == std::vector<int>{1, 3, 5, 2});
    CHECK(heap.run_due(t0 + 1h) == 2);
    CHECK(rec.fired == std::vector<int>{1, 3, 5, 2, 4, 0});
    CHECK(heap.empty());
    for (auto& t : timers)
        CHECK_FALSE(t->timer.armed());
}

TEST_CASE("cancelled timers never fire; destroying an armed timer cancels it") {
    TimerHeap heap;
    Recorder rec;
    Tagged a(rec, 1), b(rec, 2), c(rec, 3);
    heap.arm(a.timer, t0 + 10ms);
    heap.arm(b.timer, t0 + 20ms);
    heap.arm(c.timer, t0 + 30ms);
    heap.cancel(b.timer);
    CHECK_FALSE(b.timer.armed());
    heap.cancel(b.timer);  // twice is harmless
    {
        Tagged d(rec, 4);
        heap.arm(d.timer, t0 + 5ms);
    }  // d leaves the heap in its destructor
    CHECK(heap.size() == 2);
    heap.run_due(t0 + 1h);
    CHECK(rec.fired == std::vector<int>{1, 3});
}

TEST_CASE("re-arming later is lazy but fires at the new deadline, in order") {
    TimerHeap heap;
    Recorder rec;
    Tagged idle(rec, 1), other(rec, 2);
    heap.arm(idle.timer, t0 + 10ms);
    heap.arm(other.timer, t0 + 20ms);
    heap.arm(idle.timer, t0 + 30ms);  // a request came: push the idle timeout back
    CHECK(idle.timer.deadline() == t0 + 30ms);
    CHECK(heap.run_due(t0 + 15ms) == 0);  // the old slot is due but the timer moved
    CHECK(heap.run_due(t0 + 100ms) == 2);
    CHECK(rec.fired == std::vector<int>{2, 1});
    // Re-arming earlier moves it up at once.
    heap.arm(idle.timer, t0 + 50ms);
    heap.arm(other.timer, t0 + 60ms);
    heap.arm(other.timer, t0 + 40ms);
    heap.run_due(t0 + 45ms);
    CHECK(rec.fired == std::vector<int>{2, 1, 2});
}

TEST_CASE("a callback may re-arm its own timer") {
    TimerHeap heap;
    struct Repeat {
        TimerHeap* heap;
        int count = 0;
        TimePoint at = t0;
        Timer timer{[](Timer& t, void* self) {
                        auto* r = static_cast<Repeat*>(self);
                        if (++r->count < 3) r->heap->arm(t, r->at += 1ms);
                    },
                    this};
    } r{&heap};
    heap.arm(r.timer, t0);
    heap.run_due(t0 + 1h);
    CHECK(r.count == 3);
}

TEST_CASE("random arm, re-arm and cancel keep heap order (against a sorted model)") {
    TimerHeap heap;
    Recorder rec;
    std::vector<std::unique_ptr<Tagged>> timers;
    std::vector<int> deadline_ms(500, -1);  // -1: not armed
    std::mt19937 rng(42);
    for (int i = 0; i < 500; ++i)
        timers.push_back(std::make_unique<Tagged>(rec, i));
    for (int step = 0; step < 5000; ++step) {
        const auto i = static_cast<std::size_t>(rng() % 500);
        if (rng() % 4 == 0) {
            heap.cancel(timers[i]->timer);
            deadline_ms[i] = -1;
        } else {
            const int ms = static_cast<int>(rng() % 100000);
            heap.arm(timers[i]->timer, t0 + std::chrono::milliseconds(ms));
            deadline_ms[i] = ms;
        }
    }
    heap.run_due(t0 + 1000h);
    std::size_t armed = 0;
    for (int ms : deadline_ms)
        armed += ms >= 0;
    REQUIRE(rec.fired.size() == armed);
    for (std::size_t k = 1; k < rec.fired.size(); ++k) {
        CHECK(deadline_ms[static_cast<std::size_t>(rec.fired[k - 1])] <=
              deadline_ms[static_cast<std::size_t>(rec.fired[k])]);
    }
}
