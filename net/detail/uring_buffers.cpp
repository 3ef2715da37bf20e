#include "net/detail/uring_buffers.hpp"

#include <sys/mman.h>

#include <cstring>
#include <new>

#include "net/detail/uring_ring.hpp"

namespace wire::net::detail {

UringBuffers::UringBuffers(unsigned count, std::size_t size, unsigned slots)
    : count_(count),
      size_(size),
      slots_(slots),
      held_(count),
      in_ring_(count, false),
      touched_(count, false) {
    void* ring = ::mmap(nullptr, slots * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    // MAP_NORESERVE: only the buffers that receive bytes get pages.
    void* base = ::mmap(nullptr, count * size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ring == MAP_FAILED || base == MAP_FAILED) {
        if (ring != MAP_FAILED) ::munmap(ring, slots * sizeof(io_uring_buf));
        if (base != MAP_FAILED) ::munmap(base, count * size);
        throw std::bad_alloc();
    }
    ring_ = static_cast<io_uring_buf_ring*>(ring);
    base_ = static_cast<std::uint8_t*>(base);
    free_.reserve(count);
    for (unsigned i = count; i-- > 0;)
        free_.push_back(static_cast<std::uint16_t>(i));
}

UringBuffers::~UringBuffers() {
    ::munmap(ring_, slots_ * sizeof(io_uring_buf));
    ::munmap(base_, count_ * size_);
}

std::error_code UringBuffers::attach(UringRing& ring) {
    detach();
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uint64_t>(ring_);
    reg.ring_entries = slots_;
    reg.bgid = group;
    if (auto ec = ring.register_op(IORING_REGISTER_PBUF_RING, &reg, 1)) return ec;
    attached_ = true;
    refill(0);
    return {};
}

void UringBuffers::detach() noexcept {
    // What the last ring held is ours again; a new registration starts from an empty ring.
    for (unsigned id = 0; id < count_; ++id) {
        if (!in_ring_[id]) continue;
        in_ring_[id] = false;
        free_.push_back(static_cast<std::uint16_t>(id));
    }
    std::memset(static_cast<void*>(ring_), 0, slots_ * sizeof(io_uring_buf));
    tail_ = 0;
    lent_ = 0;
    attached_ = false;
}

void UringBuffers::took(std::uint16_t id, std::uint32_t length) noexcept {
    in_ring_[id] = false;
    --lent_;
    held_[id] = Held{0, length, none};
    if (length > 0 && !touched_[id]) {
        touched_[id] = true;
        ++touched_count_;
    }
}

void UringBuffers::trim(std::size_t keep) noexcept {
    // The stack's top is the warmest; the bottom has waited longest.
    const std::size_t cold = free_.size() > keep ? free_.size() - keep : 0;
    for (std::size_t i = 0; i < cold && touched_count_ > keep; ++i)
        give_back_pages(free_[i]);
    for (unsigned i = 0; i < count_ && touched_count_ > keep; ++i) {
        const auto id = static_cast<std::uint16_t>(i);
        if (in_ring_[id]) give_back_pages(id);
    }
}

void UringBuffers::give_back_pages(std::uint16_t id) noexcept {
    if (!touched_[id]) return;
    (void)::madvise(data(id), size_, MADV_DONTNEED);
    touched_[id] = false;
    --touched_count_;
}

void UringBuffers::put(std::uint16_t id) {
    free_.push_back(id);
}

void UringBuffers::refill(unsigned receives) {
    if (!attached_) return;
    const unsigned want = 2 * receives + 8;
    target_ = want > target_ - target_ / 8 ? want : target_ - target_ / 8;
    if (target_ > slots_) target_ = slots_;
    bool lent = false;
    while (lent_ < target_ && !free_.empty()) {
        lend(free_.back());
        free_.pop_back();
        lent = true;
    }
    if (lent) __atomic_store_n(&ring_->tail, tail_, __ATOMIC_RELEASE);
}

void UringBuffers::lend(std::uint16_t id) noexcept {
    // Not ring_->bufs[i]: Linux's header declares `bufs` as a flexible array through an empty
    // struct, which has size 1 in C++ (0 in C) and moves `bufs` 8 bytes past where the kernel
    // reads slot 0. The ring is a plain array of io_uring_buf whose slot 0's last field doubles
    // as the ring's tail, so slots are written field by field.
    io_uring_buf& slot = reinterpret_cast<io_uring_buf*>(ring_)[tail_ & (slots_ - 1)];
    slot.addr = reinterpret_cast<std::uint64_t>(data(id));
    slot.len = static_cast<std::uint32_t>(size_);
    slot.bid = id;
    ++tail_;
    ++lent_;
    in_ring_[id] = true;
}

}  // namespace wire::net::detail
