#include "net/detail/context.hpp"

#include <cstdint>

namespace wire::net::detail {

#ifndef WIRE_FIBER_USE_UCONTEXT

// wire_switch_context(void** save_sp /* rdi */, void* load_sp /* rsi */), System V x86-64 ABI.
// The layout it pushes (from the top): rbp rbx r12 r13 r14 r15, then 8 bytes holding MXCSR and the
// x87 control word (the ABI makes their control bits callee-saved), then the return address
// that the final `ret` jumps to.
asm(R"(
    .text
    .p2align 4
    .globl wire_switch_context
    .hidden wire_switch_context
    .type wire_switch_context, @function
wire_switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size wire_switch_context, .-wire_switch_context
)");

extern "C" void wire_switch_context(void** save_sp, void* load_sp) noexcept;

void make_context(Context& ctx, void* stack, std::size_t size, void (*entry)()) noexcept {
    // A new stack looks as if wire_switch_context had been called from a frame about to call
    // entry(): popping the registers (zeros; rbp = 0 ends frame-pointer backtraces) and `ret`
    // land in entry() with rsp = top - 8, the alignment a function expects on entry (16n + 8).
    auto top = reinterpret_cast<std::uintptr_t>(stack) + size;
    top &= ~std::uintptr_t{15};
    auto* slot = reinterpret_cast<std::uint64_t*>(top);
    *--slot = 0;                                        // entry's return address: none
    *--slot = reinterpret_cast<std::uintptr_t>(entry);  // where `ret` goes
    for (int i = 0; i < 6; ++i)
        *--slot = 0;                                   // rbp rbx r12 r13 r14 r15
    *--slot = 0x1F80 | (std::uint64_t{0x037F} << 32);  // default MXCSR and x87 control word
    ctx.sp = slot;
}

void switch_context(Context& from, Context& to) noexcept {
    wire_switch_context(&from.sp, to.sp);
}

#else

void make_context(Context& ctx, void* stack, std::size_t size, void (*entry)()) noexcept {
    ::getcontext(&ctx.uc);
    ctx.uc.uc_stack.ss_sp = stack;
    ctx.uc.uc_stack.ss_size = size;
    ctx.uc.uc_link = nullptr;  // entry() never returns
    ::makecontext(&ctx.uc, entry, 0);
}

void switch_context(Context& from, Context& to) noexcept {
    ::swapcontext(&from.uc, &to.uc);
}

#endif

}  // namespace wire::net::detail
