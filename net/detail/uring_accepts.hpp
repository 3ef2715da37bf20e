// UringAccepts: the connections an io_uring loop's multishot accepts took ahead of the handlers,
// per listening socket (net/detail/uring_poller.hpp).
//
// A multishot accept (IORING_OP_ACCEPT with IORING_ACCEPT_MULTISHOT, io_uring_enter(2), Linux
// 5.19) stays in the kernel and posts one completion per connection, carrying its new fd. The fds
// wait here, in arrival order, until the listener's handler takes them (EventLoop::take_accepted).
// They are descriptors of this process from the moment the kernel accepted them: one that no
// listener takes any more (the listener left the loop, the loop is destroyed) is closed, and its
// client sees the connection end.
//
// Threading: the loop's, like the poller's.
#pragma once

#include <cstddef>
#include <vector>

namespace wire::net::detail {

class UringAccepts {
  public:
    UringAccepts() = default;
    ~UringAccepts();
    UringAccepts(const UringAccepts&) = delete;
    UringAccepts& operator=(const UringAccepts&) = delete;

    // `listener` accepts ahead from now on; forget() closes what it had not taken.
    void watch(int listener);
    void forget(int listener) noexcept;
    [[nodiscard]] bool watched(int listener) const noexcept;

    // A connection the kernel accepted for `listener`; false when it is not watched (the caller
    // closes the fd).
    [[nodiscard]] bool push(int listener, int fd);
    // The handler must hear of `listener` although nothing waits: the kernel ended its accept
    // with an error, which the handler's own accept4(2) will report (EMFILE, ...).
    void flag(int listener) noexcept;
    // The oldest connection waiting for `listener`, or -1.
    [[nodiscard]] int take(int listener) noexcept;

    // Calls f(listener) for each listener with connections waiting or flagged; f returns true
    // when the handler is told, which clears the flag. True if any f did.
    template <class F>
    bool each_pending(F&& f) {
        bool told = false;
        for (Entry& e : entries_) {
            if ((e.head < e.ready.size() || e.flagged) && f(e.listener)) {
                e.flagged = false;
                told = true;
            }
        }
        return told;
    }

  private:
    struct Entry {
        int listener;
        bool flagged = false;
        std::size_t head = 0;    // the next fd to hand out
        std::vector<int> ready;  // accepted fds; [head, size()) not taken yet
    };
    Entry* find(int listener) noexcept;
    std::vector<Entry> entries_;  // one per listening socket of the loop: a short list
};

}  // namespace wire::net::detail
