#include "net/detail/poll_desc.hpp"

#include <chrono>
#include <utility>

#include "net/fiber.hpp"

namespace wire::net::detail {

PollDesc::PollDesc(EventLoop& loop, int fd) noexcept
    : loop_(&loop),
      loop_alive_(loop.lifetime()),
      fd_(fd),
      read_{nullptr,
            {[](Timer&, void* pd) { static_cast<PollDesc*>(pd)->wake(Interest::readable); }, this}},
      write_{
          nullptr,
          {[](Timer&, void* pd) { static_cast<PollDesc*>(pd)->wake(Interest::writable); }, this}} {}

// The Timers cancel themselves; the loop's table must no longer name us (detach()).
PollDesc::~PollDesc() = default;

std::error_code PollDesc::wait(Interest direction, std::int64_t deadline_ns) {
    // 1. The loop reports `direction`: registered on the first wait, widened when needed.
    if (!registered_) {
        if (auto ec = loop_->add(fd_, direction, this)) return ec;
        registered_ = true;
    } else if (const Interest now = loop_->interest(fd_); !has(now, direction)) {
        if (auto ec = loop_->modify(fd_, now | direction)) return ec;
    }
    // 2. The deadline, as a loop Timer. A Conn read with a deadline set once and a connection
    // that keeps talking re-arms nothing: the timer stays armed across waits.
    Side& s = side(direction);
    if (deadline_ns != 0) {
        const Timer::TimePoint when{std::chrono::duration_cast<Timer::Clock::duration>(
            std::chrono::nanoseconds(deadline_ns))};
        if (!s.timer.armed() || s.timer.deadline() != when) loop_->arm(s.timer, when);
    }
    // 3. Park. Whoever takes s.fiber back out resumes us (wake()).
    s.fiber = Fiber::current();
    Fiber::park();
    return {};
}

void PollDesc::notify(Interest direction) {
    if (loop_alive_.expired()) return;
    if (loop_->in_loop_thread()) {
        // The caller is a fiber or a handler of our loop, so no fiber can be about to park
        // concurrently: if none is parked now there is nobody to tell.
        const bool parked = (has(direction, Interest::readable) && read_.fiber != nullptr) ||
                            (has(direction, Interest::writable) && write_.fiber != nullptr);
        if (!parked) return;
    }
    // A parked fiber is resumed from the loop's context only, so even from the loop's thread
    // this is a posted task. It holds a reference: the owner may be gone when it runs.
    loop_->post([self = shared_from_this(), direction] { self->wake(direction); });
}

// The loop's thread, outside any fiber.
void PollDesc::wake(Interest direction) {
    Fiber* reader =
        has(direction, Interest::readable) ? std::exchange(read_.fiber, nullptr) : nullptr;
    Fiber* writer =
        has(direction, Interest::writable) ? std::exchange(write_.fiber, nullptr) : nullptr;
    // Locals only from here: a resumed fiber may end its Conn, and this PollDesc with it.
    if (reader != nullptr) reader->resume();
    if (writer != nullptr) writer->resume();
}

void PollDesc::on_readable() {
    if (read_.fiber != nullptr) {
        wake(Interest::readable);
    } else {
        stop_listening(Interest::readable);
    }
}

void PollDesc::on_writable() {
    if (write_.fiber != nullptr) {
        wake(Interest::writable);
    } else {
        stop_listening(Interest::writable);
    }
}

// EPOLLERR/EPOLLHUP with no interest registered, hence no fiber parked: leave the loop until
// the next wait (which adds the fd again and hears of the error from its I/O).
void PollDesc::on_error() {
    if (read_.fiber != nullptr || write_.fiber != nullptr) {
        wake(Interest::both);
    } else {
        unregister();
    }
}

// The loop reported a direction that no fiber waits for: a level-triggered loop would report it
// again on every turn until some fiber reads (or writes) again.
void PollDesc::stop_listening(Interest direction) {
    const Interest other =
        direction == Interest::readable ? Interest::writable : Interest::readable;
    (void)loop_->modify(fd_, has(loop_->interest(fd_), other) ? other : Interest::none);
}

void PollDesc::unregister() noexcept {
    if (registered_) (void)loop_->remove(fd_);
    registered_ = false;
    loop_->cancel(read_.timer);
    loop_->cancel(write_.timer);
}

void PollDesc::detach(std::shared_ptr<PollDesc> pd, Socket& socket) {
    if (!pd || pd->loop_alive_.expired()) return;
    EventLoop& loop = pd->loop();
    if (loop.in_loop_thread()) {
        pd->unregister();
        // A fiber still parked here (an acceptor whose Listener another fiber closes) would never
        // be resumed: wake it to retry, and find the descriptor closed.
        if (pd->read_.fiber != nullptr || pd->write_.fiber != nullptr) {
            loop.post([pd] { pd->wake(Interest::both); });
        }
        return;
    }
    // Only the loop's thread may touch its table, and the fd must stay open until the loop has
    // let go of it (a number closed here could be reused and then removed by mistake). The
    // close is late by one loop turn; a loop that never runs again closes it when destroyed.
    auto held = std::make_shared<Socket>(std::move(socket));
    loop.post([pd = std::move(pd), held] {
        pd->unregister();
        (void)held->close();
        pd->wake(Interest::both);
    });
}

}  // namespace wire::net::detail
