#include "net/loop_listener.hpp"

namespace wire::net {

std::error_code LoopListener::start(IoHandler* handler) {
    if (!listener_.valid() || registered_) return {};
    const std::error_code ec = shared_ ? loop_.add_exclusive(listener_.fd(), handler)
                                       : loop_.add(listener_.fd(), Interest::readable, handler);
    registered_ = !ec;
    if (registered_) loop_.accept_ahead(listener_.fd());
    return ec;
}

void LoopListener::end_batch(std::size_t accepted) noexcept {
    if (shared_ && accepted > 0 && registered_ && !paused_) (void)loop_.requeue(listener_.fd());
}

void LoopListener::pause() noexcept {
    if (!registered_ || paused_) return;
    paused_ = true;
    (void)loop_.modify(listener_.fd(), Interest::none);
}

void LoopListener::resume() noexcept {
    if (!registered_ || !paused_) return;
    paused_ = false;
    (void)loop_.modify(listener_.fd(), Interest::readable);
}

void LoopListener::close() noexcept {
    if (registered_) (void)loop_.remove(listener_.fd());
    registered_ = false;
    paused_ = false;
    (void)listener_.close();
}

}  // namespace wire::net
