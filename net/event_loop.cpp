#include "net/event_loop.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include "net/detail/poller.hpp"

namespace wire::net {
namespace {

thread_local EventLoop* current_loop = nullptr;

std::error_code errno_code() noexcept {
    return {errno, std::system_category()};
}

}  // namespace

EventLoop::EventLoop(LoopBackend backend)
    : poller_(detail::make_poller(backend)), now_(Clock::now()) {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) throw std::system_error(errno_code(), "eventfd");
    wake_handler_.loop = this;
    signal_handler_.loop = this;
    if (auto ec = add(wake_fd_, Interest::readable, &wake_handler_)) {
        ::close(wake_fd_);
        throw std::system_error(ec, "register eventfd");
    }
}

LoopBackend EventLoop::backend() const noexcept {
    return poller_->backend();
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
    poller_.reset();  // before the fds it may still watch close
    if (signal_fd_ >= 0) ::close(signal_fd_);
    ::close(wake_fd_);
}

EventLoop* EventLoop::current() noexcept {
    return current_loop;
}

std::error_code EventLoop::add(int fd, Interest interest, IoHandler* handler) {
    if (fd < 0 || handler == nullptr) return std::make_error_code(std::errc::invalid_argument);
    if (auto ec = poller_->add(fd, interest, false)) return ec;
    const auto index = static_cast<std::size_t>(fd);
    if (index >= slots_.size()) slots_.resize(index + 1 + index / 2);
    slots_[index] = {handler, interest, false};
    return {};
}

std::error_code EventLoop::add_exclusive(int fd, IoHandler* handler) {
    if (fd < 0 || handler == nullptr) return std::make_error_code(std::errc::invalid_argument);
    if (auto ec = poller_->add(fd, Interest::readable, true)) return ec;
    const auto index = static_cast<std::size_t>(fd);
    if (index >= slots_.size()) slots_.resize(index + 1 + index / 2);
    slots_[index] = {handler, Interest::readable, true};
    return {};
}

std::error_code EventLoop::modify(int fd, Interest interest) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || slots_[index].handler() == nullptr) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    Slot& slot = slots_[index];
    if (slot.interest() == interest) return {};
    // Why: an exclusive registration is readable interest or none at all.
    if (slot.exclusive() && has(interest, Interest::writable)) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    if (auto ec = poller_->modify(fd, slot.interest(), interest, slot.exclusive())) return ec;
    slot.set_interest(interest);
    return {};
}

std::error_code EventLoop::requeue(int fd) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || !slots_[index].exclusive()) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    if (slots_[index].interest() == Interest::none) return {};  // not registered now
    if (auto ec = poller_->requeue(fd)) {
        slots_[index].set_interest(Interest::none);  // what the kernel now holds
        return ec;
    }
    return {};
}

std::error_code EventLoop::remove(int fd) {
    const auto index = static_cast<std::size_t>(fd);
    if (fd < 0 || index >= slots_.size() || slots_[index].handler() == nullptr) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    const Slot slot = slots_[index];
    slots_[index] = {};
    return poller_->remove(fd, slot.interest(), slot.exclusive());
}

std::error_code EventLoop::hand_over(int fd, IoHandler* handler) {
    const auto index = static_cast<std::size_t>(fd);
    if (handler == nullptr) return std::make_error_code(std::errc::invalid_argument);
    if (fd < 0 || index >= slots_.size() || slots_[index].handler() == nullptr) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    const Slot slot = slots_[index];
    slots_[index] = {handler, slot.interest(), slot.exclusive()};
    return {};
}

void EventLoop::accept_ahead(int fd) {
    poller_->accept_ahead(fd);
}

int EventLoop::take_accepted(int fd) noexcept {
    return poller_->take_accepted(fd);
}

void EventLoop::receive_ahead(int fd) {
    poller_->receive_ahead(fd);
}

long EventLoop::receive(int fd, void* data, std::size_t size) noexcept {
    return poller_->receive(fd, data, size);
}

std::size_t EventLoop::received_ahead(int fd) const noexcept {
    return poller_->received(fd);
}

std::span<std::uint8_t> EventLoop::peek_received(int fd) noexcept {
    return poller_->peek_received(fd);
}

void EventLoop::discard_received(int fd, std::size_t n) noexcept {
    poller_->discard_received(fd, n);
}

long EventLoop::send(int fd, const void* data, std::size_t size) noexcept {
    const iovec one{const_cast<void*>(data), size};
    return poller_->send(fd, {&one, 1});
}

long EventLoop::send(int fd, std::span<const iovec> buffers) noexcept {
    return poller_->send(fd, buffers);
}

std::size_t EventLoop::unsent(int fd) const noexcept {
    return poller_->unsent(fd);
}

void EventLoop::take_unsent(int fd, std::string& into) {
    poller_->take_unsent(fd, into);
}

int EventLoop::shutdown_write(int fd) noexcept {
    return poller_->shutdown_write(fd);
}

Interest EventLoop::interest(int fd) const noexcept {
    const auto index = static_cast<std::size_t>(fd);
    return fd >= 0 && index < slots_.size() ? slots_[index].interest() : Interest::none;
}

void EventLoop::dispatch(int fd, std::uint32_t events) {
    // The slot is looked up again after each call: a handler may remove its fd (or add others,
    // which can move the table) while we are here.
    const auto index = static_cast<std::size_t>(fd);
    const auto slot = [&]() -> Slot { return index < slots_.size() ? slots_[index] : Slot{}; };
    IoHandler* const handler = slot().handler();
    if (handler == nullptr) return;  // removed earlier in this batch
    const bool failed = (events & (POLLERR | POLLHUP)) != 0;
    bool delivered = false;
    if (has(slot().interest(), Interest::readable) &&
        (events & (POLLIN | POLLRDHUP | POLLERR | POLLHUP)) != 0) {
        handler->on_readable();
        delivered = true;
    }
    if (slot().handler() == handler && has(slot().interest(), Interest::writable) &&
        (events & (POLLOUT | POLLERR | POLLHUP)) != 0) {
        handler->on_writable();
        delivered = true;
    }
    if (failed && !delivered && slot().handler() == handler) handler->on_error();
}

int EventLoop::poll_timeout_ms() const {
    if (timers_.empty()) return -1;
    // Rounded up: waking a little late is fine, waking early only costs another turn. Counted
    // from the pass's start (now_), not a fresh clock read (~35 ns here, at every pass): the
    // wait may end late by as long as the pass took, and a timer falling due in a pass is late
    // by that much already.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(timers_.next() - now_);
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

// One wait; with busy polling after a busy pass, first non-blocking polls (spin()).
std::error_code EventLoop::wait(std::vector<detail::PollEvent>& events, bool was_busy) {
    if (was_busy && busy_poll_.count() > 0) {
        std::error_code ec;
        if (spin(events, ec)) return ec;
    }
    return poller_->wait(events, poll_timeout_ms(), now_);
}

// Polls without sleeping until an event comes (true), the spin's budget is spent, a timer falls
// due or stop() is asked; then adapts the next spin (set_busy_poll says how).
bool EventLoop::spin(std::vector<detail::PollEvent>& events, std::error_code& ec) {
    if (rest_ > 0) {
        --rest_;
        return false;
    }
    const TimePoint until =
        std::min(Clock::now() + spin_, timers_.empty() ? TimePoint::max() : timers_.next());
    do {
        if ((ec = poller_->wait(events, 0, now_)) || !events.empty()) {
            spin_ = busy_poll_;
            rest_length_ = 0;
            return true;
        }
    } while (!stop_.load(std::memory_order_relaxed) && Clock::now() < until);
    // Why: an empty spin was CPU spent for nothing; the next one is shorter, and after a few
    // the loop rests.
    spin_ /= 2;
    const auto probe = std::max(busy_poll_ / 16, std::chrono::microseconds(1));
    if (spin_ < probe) {
        spin_ = probe;  // after the rest, a short spin; one that finds work restores the budget
        rest_length_ = std::min(max_rest, rest_length_ == 0 ? 1 : 2 * rest_length_);
        rest_ = rest_length_;
    }
    return false;
}

std::error_code EventLoop::run() {
    EventLoop* const previous = current_loop;
    current_loop = this;
    thread_.store(std::this_thread::get_id());
    now_ = Clock::now();
    std::error_code result = poller_->attach();
    std::vector<detail::PollEvent> events;
    events.reserve(256);
    while (!result && !stop_.load(std::memory_order_acquire)) {
        if ((result = wait(events, busy_))) break;
        now_ = Clock::now();
        for (const detail::PollEvent& e : events)
            dispatch(e.fd, e.events);
        busy_ = !events.empty();
        timers_.run_due(now_);
    }
    poller_->detach();
    stop_.store(false, std::memory_order_release);  // the loop may be run again
    thread_.store(std::thread::id{});
    current_loop = previous;
    return result;
}

void EventLoop::stop() {
    stop_.store(true, std::memory_order_release);
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);  // out of the wait at once
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
