#include "net/loop_group.hpp"

#include <signal.h>

namespace wire::net {

LoopGroup::LoopGroup(std::size_t count, LoopBackend backend) {
    if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
    loops_.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        loops_.push_back(std::make_unique<EventLoop>(backend));
}

LoopGroup::~LoopGroup() {
    stop();
    wait();
}

EventLoop& LoopGroup::next() noexcept {
    return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

std::error_code LoopGroup::stop_on_signals() {
    return loops_.front()->handle_signals({SIGINT, SIGTERM}, [this](int) { stop(); });
}

void LoopGroup::start() {
    if (!threads_.empty()) return;
    threads_.reserve(loops_.size());
    for (auto& loop : loops_) {
        threads_.emplace_back([l = loop.get()] { (void)l->run(); });
    }
}

void LoopGroup::stop() {
    for (auto& loop : loops_)
        loop->stop();
}

void LoopGroup::wait() {
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
}

}  // namespace wire::net
