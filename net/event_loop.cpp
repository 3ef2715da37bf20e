#include "net/event_loop.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

namespace wire::net {
namespace {

thread_local EventLoop* current_loop = nullptr;

std::error_code errno_code() noexcept {
    return {errno, std::system_category()};
}

std::uint32_t epoll_bits(Interest interest) noexcept {
    std::uint32_t bits = 0;
    // EPOLLRDHUP: learn of the peer's FIN as readability even when no data came with it.
    if (has(interest, Interest::readable)) bits |= EPOLLIN | EPOLLRDHUP;
    if (has(interest, Interest::writable)) bits |= EPOLLOUT;
    return bits;
}

}  // namespace

EventLoop::EventLoop() : now_(Clock::now()) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::system_error(errno_code(), "epoll_create1");
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        ::close(epoll_fd_);
        throw std::system_error(errno_code(), "eventfd");
    }
    wake_handler_.loop = this;
    signal_handler_.loop = this;
    if (auto ec = add(wake_fd_, Interest::readable, &wake_handler_)) {
        ::close(wake_fd_);
        ::close(epoll_fd_);
        throw std::system_error(ec, "epoll_ctl");
    }
}

EventLoop::~EventLoop() {
    // The on_destroy hooks first, while the loop can still remove fds and cancel timers; then
    // the lifetime token expires, so a Conn outliving the loop stops posting to it.
    std::vector<std::pair<std::uint64_t, Task>> hooks;
    {
        std::lock_guard lock(destroy_mu_);
        hooks.swap(destroy_hooks_);
    }
    for (auto& [key, hook] : hooks)
        hook();
    lifetime_.reset();
    if (signal_fd_ >= 0) ::close(signal_fd_);
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

EventLoop* EventLoop::current() noexcept {
    return current_loop;
}

std::error_code EventLoop::control(int op, int fd, Interest interest, bool exclusive) {
    epoll_event ev{};
    // The kernel accepts EPOLLEXCLUSIVE only beside EPOLLIN/EPOLLOUT (not EPOLLRDHUP, which a
    // listening socket never reports anyway).
    ev.events = exclusive ? EPOLLIN | EPOLLEXCLUSIVE : epoll_bits(interest);
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_fd_, op, fd, &ev) != 0) return errno_code();
    return {};
}

std::error_code EventLoop::add(int fd, Interest interest, IoHandler* handler) {
    if (fd < 0 || handler == nullptr) return std::make_error_code(std::errc::invalid_argument);
    if (auto ec = control(EPOLL_CTL_ADD, fd, interest, false)) return ec;
    const auto index = static_cast<std::size_t>(fd);
    if (index >= slots_.size()) slots_.resize(index + 1 + index / 2);
    slots_[index] = {handler, interest, false};
    return {};
}

std::error_code EventLoop::add_exclusive(int fd, IoHandler* handler) {
    if (fd < 0 || handler == nullptr) return std::make_error_code(std::errc::invalid_argument);
    if (auto ec = control(EPOLL_CTL_ADD, fd, Interest::readable, true)) return ec;
    const auto index = static_cast<std::size_t>(fd);
    if (index >= slots_.size()) slots_.resize(index + 1 + index / 2);
    slots_[index] = {handler, Interest::readable, true};
    return {};
}

std::error_code EventLoop::modify(int fd, Interest interest) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || slots_[index].handler == nullptr) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    Slot& slot = slots_[index];
    if (slot.interest == interest) return {};
    if (slot.exclusive) {
        // Why: an exclusive registration is readable interest or none at all.
        if (has(interest, Interest::writable)) {
            return std::make_error_code(std::errc::invalid_argument);
        }
        const int op = interest == Interest::none ? EPOLL_CTL_DEL : EPOLL_CTL_ADD;
        if (auto ec = control(op, fd, interest, true)) return ec;
    } else if (auto ec = control(EPOLL_CTL_MOD, fd, interest, false)) {
        return ec;
    }
    slot.interest = interest;
    return {};
}

std::error_code EventLoop::requeue(int fd) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || !slots_[index].exclusive) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    if (slots_[index].interest == Interest::none) return {};  // not registered now
    if (auto ec = control(EPOLL_CTL_DEL, fd, Interest::none, true)) return ec;
    if (auto ec = control(EPOLL_CTL_ADD, fd, Interest::readable, true)) {
        slots_[index].interest = Interest::none;  // what the kernel now holds
        return ec;
    }
    return {};
}

std::error_code EventLoop::remove(int fd) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || slots_[index].handler == nullptr) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    const bool registered = !slots_[index].exclusive || slots_[index].interest != Interest::none;
    slots_[index] = {};
    if (registered && ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) != 0) return errno_code();
    return {};
}

Interest EventLoop::interest(int fd) const noexcept {
    const auto index = static_cast<std::size_t>(fd);
    return fd >= 0 && index < slots_.size() ? slots_[index].interest : Interest::none;
}

void EventLoop::dispatch(int fd, std::uint32_t events) {
    // The slot is looked up again after each call: a handler may remove its fd (or add others,
    // which can move the table) while we are here.
    const auto index = static_cast<std::size_t>(fd);
    const auto slot = [&]() -> Slot { return index < slots_.size() ? slots_[index] : Slot{}; };
    IoHandler* const handler = slot().handler;
    if (handler == nullptr) return;  // removed earlier in this batch
    const bool failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
    bool delivered = false;
    if (has(slot().interest, Interest::readable) &&
        (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0) {
        handler->on_readable();
        delivered = true;
    }
    if (slot().handler == handler && has(slot().interest, Interest::writable) &&
        (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
        handler->on_writable();
        delivered = true;
    }
    if (failed && !delivered && slot().handler == handler) handler->on_error();
}

int EventLoop::poll_timeout_ms() const {
    if (timers_.empty()) return -1;
    // Rounded up: waking a little late is fine, waking early only costs another turn.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(timers_.next() - Clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

// One epoll_wait; with busy polling after a busy pass, first non-blocking polls until an event
// comes, the budget is spent, a timer falls due or stop() is asked.
int EventLoop::wait(epoll_event* events, int capacity, bool was_busy) {
    if (was_busy && busy_poll_.count() > 0) {
        const TimePoint until = std::min(Clock::now() + busy_poll_,
                                         timers_.empty() ? TimePoint::max() : timers_.next());
        do {
            const int n = ::epoll_wait(epoll_fd_, events, capacity, 0);
            if (n != 0) return n;
        } while (!stop_.load(std::memory_order_relaxed) && Clock::now() < until);
    }
    return ::epoll_wait(epoll_fd_, events, capacity, poll_timeout_ms());
}

std::error_code EventLoop::run() {
    EventLoop* const previous = current_loop;
    current_loop = this;
    thread_.store(std::this_thread::get_id());
    now_ = Clock::now();
    std::error_code result;
    constexpr int batch = 256;
    epoll_event events[batch];
    while (!stop_.load(std::memory_order_acquire)) {
        const int n = wait(events, batch, busy_);
        if (n < 0 && errno != EINTR) {
            result = errno_code();
            break;
        }
        now_ = Clock::now();
        for (int i = 0; i < n; ++i)
            dispatch(events[i].data.fd, events[i].events);
        busy_ = n > 0;
        timers_.run_due(now_);
    }
    stop_.store(false, std::memory_order_release);  // the loop may be run again
    thread_.store(std::thread::id{});
    current_loop = previous;
    return result;
}

void EventLoop::stop() {
    stop_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);  // out of epoll_wait at once
}

void EventLoop::post(Task task) {
    bool was_empty;
    {
        std::lock_guard lock(posted_mu_);
        was_empty = posted_.empty();
        posted_.push_back(std::move(task));
    }
    // Later posters find the queue non-empty: the wake-up is already on its way.
    if (was_empty) {
        const std::uint64_t one = 1;
        (void)!::write(wake_fd_, &one, sizeof one);
    }
}

void EventLoop::run_posted() {
    {
        std::lock_guard lock(posted_mu_);
        running_.swap(posted_);  // tasks run outside the lock and may post again
    }
    for (Task& task : running_)
        task();
    running_.clear();  // keeps its capacity for the next batch
}

void EventLoop::WakeHandler::on_readable() {
    std::uint64_t count;
    (void)!::read(loop->wake_fd_, &count, sizeof count);
    loop->run_posted();
}

std::uint64_t EventLoop::on_destroy(Task hook) {
    std::lock_guard lock(destroy_mu_);
    destroy_hooks_.emplace_back(++next_destroy_key_, std::move(hook));
    return next_destroy_key_;
}

void EventLoop::forget_on_destroy(std::uint64_t key) {
    std::lock_guard lock(destroy_mu_);
    std::erase_if(destroy_hooks_, [key](const auto& h) { return h.first == key; });
}

std::error_code EventLoop::handle_signals(std::initializer_list<int> signals,
                                          std::function<void(int)> on_signal) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals)
        sigaddset(&set, s);
    if (const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
        return {rc, std::system_category()};
    }
    // signalfd with an existing fd replaces its set; we keep one fd per loop.
    const int fd = ::signalfd(signal_fd_, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0) return errno_code();
    on_signal_ = std::move(on_signal);
    if (signal_fd_ < 0) {
        signal_fd_ = fd;
        return add(signal_fd_, Interest::readable, &signal_handler_);
    }
    return {};
}

std::error_code EventLoop::stop_on_signals() {
    return handle_signals({SIGINT, SIGTERM}, [this](int) { stop(); });
}

void EventLoop::SignalHandler::on_readable() {
    signalfd_siginfo info;
    while (::read(loop->signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (loop->on_signal_) loop->on_signal_(static_cast<int>(info.ssi_signo));
    }
}

}  // namespace wire::net
