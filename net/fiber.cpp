#include "net/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <new>
#include <stdexcept>
#include <thread>

#include "net/timer.hpp"

// The sanitizers follow one stack per thread unless told of each switch: AddressSanitizer would
// report the fiber's stack as a wild access (and its fake stacks would leak), ThreadSanitizer
// would mix the fibers' histories into the thread's.
#if defined(__SANITIZE_ADDRESS__)
#define WIRE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WIRE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define WIRE_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WIRE_TSAN 1
#endif
#endif
#ifdef WIRE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef WIRE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace wire::net {
namespace {

// Each thread that resumes fibers: its own context (the loop's stack) and the fiber it runs.
// Fibers always switch back to the thread's context, never to each other: the loop decides
// who runs next, as Go's scheduler does.
struct ThreadState {
    detail::Context main;
    Fiber* current = nullptr;
    const void* main_stack = nullptr;  // AddressSanitizer: the loop thread's stack bounds
    std::size_t main_stack_size = 0;
    void* main_fake_stack = nullptr;
    void* tsan_main = nullptr;  // ThreadSanitizer: the thread's own "fiber"
};
thread_local ThreadState tls;

std::size_t page_size() noexcept {
    static const auto size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

// An exception escaping the body ends the program here (noexcept), like std::thread.
void run_body(std::function<void()>& body) noexcept {
    body();
    body = nullptr;  // the captures die on the fiber, still on the loop's thread
}

}  // namespace

Fiber::Fiber(EventLoop& loop, std::function<void()> body, const FiberOptions& options)
    : loop_(&loop), body_(std::move(body)) {
    const std::size_t page = page_size();
    usable_ = (std::max(options.stack_size, page) + page - 1) / page * page;
    mapped_ = usable_ + page;
    // MAP_NORESERVE: pages are committed as they are touched; 10,000 idle fibers cost what
    // their stacks actually used.
    stack_ = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
    if (stack_ == MAP_FAILED) throw std::bad_alloc();
    // The guard page: stacks grow down, so an overflow faults here instead of writing over the
    // neighbouring mapping.
    if (::mprotect(stack_, page, PROT_NONE) != 0) {
        ::munmap(stack_, mapped_);
        throw std::bad_alloc();
    }
    detail::make_context(context_, static_cast<char*>(stack_) + page, usable_, &Fiber::entry);
#ifdef WIRE_TSAN
    tsan_fiber_ = __tsan_create_fiber(0);
#endif
}

Fiber::~Fiber() {
#ifdef WIRE_TSAN
    __tsan_destroy_fiber(tsan_fiber_);
#endif
#ifdef WIRE_ASAN
    // Frames that lived on this stack may leave poisoned shadow bytes behind; the next mapping
    // at this address must not inherit them.
    ASAN_UNPOISON_MEMORY_REGION(stack_, mapped_);
#endif
    ::munmap(stack_, mapped_);
}

Fiber* Fiber::current() noexcept {
    return tls.current;
}

void go(EventLoop& loop, std::function<void()> body, const FiberOptions& options) {
    auto fiber = std::make_shared<Fiber>(loop, std::move(body), options);
    loop.post([fiber] {
        fiber->self_ = fiber;
        fiber->resume();
    });
}

void Fiber::resume() {
    // Nested resumes would make a fiber's park() return into another fiber's stack.
    if (tls.current != nullptr) throw std::logic_error("Fiber::resume() inside a fiber: post it");
    if (finished_) throw std::logic_error("Fiber::resume() on a fiber that has ended");
    tls.current = this;
    switch_in();
    tls.current = nullptr;
    if (finished_) {
        auto last = std::move(self_);  // may free this fiber and its stack, now unused
    }
}

void Fiber::park() {
    Fiber* self = tls.current;
    if (self == nullptr) throw std::logic_error("Fiber::park() outside a fiber");
    self->switch_out(false);
}

// Loop context -> this fiber; returns when the fiber switches back.
void Fiber::switch_in() {
#ifdef WIRE_ASAN
    __sanitizer_start_switch_fiber(&tls.main_fake_stack, static_cast<char*>(stack_) + page_size(),
                                   usable_);
#endif
#ifdef WIRE_TSAN
    tls.tsan_main = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(tsan_fiber_, 0);
#endif
    detail::switch_context(tls.main, context_);
#ifdef WIRE_ASAN
    __sanitizer_finish_switch_fiber(tls.main_fake_stack, nullptr, nullptr);
#endif
}

// This fiber -> the loop context; returns when resumed (never, once finished).
void Fiber::switch_out(bool finished) {
#ifdef WIRE_ASAN
    // nullptr on the last switch: AddressSanitizer frees the fiber's fake stack.
    __sanitizer_start_switch_fiber(finished ? nullptr : &asan_fake_stack_, tls.main_stack,
                                   tls.main_stack_size);
#endif
#ifdef WIRE_TSAN
    __tsan_switch_to_fiber(tls.tsan_main, 0);
#endif
    detail::switch_context(context_, tls.main);
#ifdef WIRE_ASAN
    __sanitizer_finish_switch_fiber(asan_fake_stack_, &tls.main_stack, &tls.main_stack_size);
#else
    (void)finished;
#endif
}

// The bottom frame of every fiber stack.
void Fiber::entry() {
    Fiber* self = tls.current;
#ifdef WIRE_ASAN
    __sanitizer_finish_switch_fiber(nullptr, &tls.main_stack, &tls.main_stack_size);
#endif
    run_body(self->body_);
    self->finished_ = true;
    self->switch_out(true);
    __builtin_unreachable();  // a finished fiber is never resumed
}

namespace this_fiber {

void yield() {
    Fiber* self = Fiber::current();
    if (self == nullptr) {
        std::this_thread::yield();
        return;
    }
    self->loop().post([self] { self->resume(); });
    Fiber::park();
}

void sleep_until(std::chrono::steady_clock::time_point when) {
    Fiber* self = Fiber::current();
    if (self == nullptr) {
        std::this_thread::sleep_until(when);
        return;
    }
    Timer timer([](Timer&, void* fiber) { static_cast<Fiber*>(fiber)->resume(); }, self);
    self->loop().arm(timer, when);
    Fiber::park();
}

}  // namespace this_fiber
}  // namespace wire::net
