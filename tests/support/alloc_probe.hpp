// An allocation probe for tests: how many times the global operator new ran, and the largest
// block it handed out. Tests use it to show that a hot path allocates nothing, and that a length
// a peer claims (a frame header, a Content-Length) never becomes an allocation of that size.
//
// Any test file may include this header and read the counters. Exactly ONE file of a test binary
// also writes WIRE_TEST_REPLACE_OPERATOR_NEW at namespace scope: that replaces every
// non-aligned form of the global operator new and delete with counting ones over malloc/free
// (all forms, so memory from one family is never freed by another, which ASan checks).
// Allocations from every thread count, so a test reads the counters around work whose threads
// it controls.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace wire::test::alloc {

inline std::atomic<std::size_t> news{0};     // calls to operator new, every form
inline std::atomic<std::size_t> largest{0};  // the largest block asked for since reset_largest()

inline void record(std::size_t n) noexcept {
    news.fetch_add(1, std::memory_order_relaxed);
    std::size_t seen = largest.load(std::memory_order_relaxed);
    while (n > seen && !largest.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
    }
}

inline void reset_largest() noexcept {
    largest.store(0, std::memory_order_relaxed);
}

}  // namespace wire::test::alloc

// clang-format off
#define WIRE_TEST_REPLACE_OPERATOR_NEW                                                          \
    void* operator new(std::size_t n) {                                                         \
        wire::test::alloc::record(n);                                                           \
        if (void* p = std::malloc(n ? n : 1)) return p;                                         \
        throw std::bad_alloc();                                                                 \
    }                                                                                           \
    void* operator new[](std::size_t n) { return operator new(n); }                             \
    void* operator new(std::size_t n, const std::nothrow_t&) noexcept {                         \
        wire::test::alloc::record(n);                                                           \
        return std::malloc(n ? n : 1);                                                          \
    }                                                                                           \
    void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {                     \
        return operator new(n, t);                                                              \
    }                                                                                           \
    void operator delete(void* p) noexcept { std::free(p); }                                    \
    void operator delete(void* p, std::size_t) noexcept { std::free(p); }                       \
    void operator delete[](void* p) noexcept { std::free(p); }                                  \
    void operator delete[](void* p, std::size_t) noexcept { std::free(p); }                     \
    void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }             \
    void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
// clang-format on
