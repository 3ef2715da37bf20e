// Context: a saved place in a computation (registers and stack pointer) and the switch between
// two of them. This is the machine-level half of a fiber (net/fiber.hpp).
//
// On x86-64 a switch is a dozen instructions (context.cpp): push the callee-saved registers
// (rbx, rbp, r12-r15, the SSE and x87 control words) on the current stack, store the stack
// pointer, load the other one, pop its registers and return into it. Caller-saved registers need
// no saving: the compiler already treats switch_context() as a call that clobbers them. Elsewhere
// (or with -DWIRE_FIBER_UCONTEXT) the portable ucontext(3) calls do the same job, more slowly:
// swapcontext also saves and restores the signal mask, a system call per switch.
#pragma once

#include <cstddef>

#if !defined(__x86_64__) || defined(WIRE_FIBER_UCONTEXT)
#define WIRE_FIBER_USE_UCONTEXT 1
#include <ucontext.h>
#endif

namespace wire::net::detail {

struct Context {
#ifdef WIRE_FIBER_USE_UCONTEXT
    ucontext_t uc{};
#else
    void* sp = nullptr;  // the saved stack pointer; the registers are on that stack
#endif
};

// Prepares `ctx` so that the first switch into it calls entry() on the stack [stack, stack+size).
// entry() must never return: it ends by switching away for good.
void make_context(Context& ctx, void* stack, std::size_t size, void (*entry)()) noexcept;

// Saves the running context into `from` and resumes `to`. Returns when something switches back
// to `from`.
void switch_context(Context& from, Context& to) noexcept;

}  // namespace wire::net::detail
