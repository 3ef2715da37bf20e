// uring.hpp: the least of io_uring the ceiling servers need, on the raw system calls
// (io_uring_setup, io_uring_enter, io_uring_register, mmap; no liburing): a submission and a
// completion ring, and a ring of provided receive buffers for multishot recv.
//
// How io_uring works, in brief: the kernel and the process share two rings in memory. The process
// writes requests (SQEs: "recv on fd 7", "send these bytes") at the submission ring's tail; one
// io_uring_enter hands all of them to the kernel and, in the same call, waits for results (CQEs),
// which the kernel writes at the completion ring's tail. A multishot request (accept, recv) stays
// armed and yields one CQE per connection or per read, so a connection costs no system call per
// message of its own: only its send SQE, and one io_uring_enter per batch of events.
#pragma once

#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "bench/ceiling/common.hpp"

namespace ceiling {

inline int uring_setup(unsigned entries, io_uring_params* p) {
    return static_cast<int>(::syscall(__NR_io_uring_setup, entries, p));
}
inline int uring_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
    return static_cast<int>(
        ::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, nullptr, 0));
}
inline int uring_register(int fd, unsigned op, void* arg, unsigned n) {
    return static_cast<int>(::syscall(__NR_io_uring_register, fd, op, arg, n));
}

// Shared-memory indices: the kernel reads what we store and the other way round, so loads of
// the kernel's indices acquire and stores of ours release.
inline unsigned load_acquire(const unsigned* p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
inline void store_release(unsigned* p, unsigned v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

class Ring {
  public:
    // `entries` submission slots, `cq_entries` completion slots (more: 1,000 multishot recvs
    // can complete in one wait).
    Ring(unsigned entries, unsigned cq_entries) {
        // Fastest first. SINGLE_ISSUER: one thread submits (lets the kernel skip locking).
        // DEFER_TASKRUN: completion work runs only inside our io_uring_enter, not as interrupting
        // task work. COOP_TASKRUN: no IPI to interrupt us when a completion is ready. Older
        // kernels reject the newer flags with EINVAL: fall back step by step.
        const unsigned tries[] = {
            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_COOP_TASKRUN, 0};
        io_uring_params p{};
        for (unsigned flags : tries) {
            p = io_uring_params{};
            p.flags = flags | IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
            p.cq_entries = cq_entries;
            fd_ = uring_setup(entries, &p);
            if (fd_ >= 0 || errno != EINVAL) break;
        }
        if (fd_ < 0) die("io_uring_setup");
        std::fprintf(stderr, "io_uring flags 0x%x features 0x%x\n", p.flags, p.features);
        map_rings(p);
        // A registered ring fd spares io_uring_enter the file-table lookup (Linux 5.18+).
        io_uring_rsrc_update reg{};
        reg.offset = -1U;  // any free slot
        reg.data = static_cast<__u64>(fd_);
        if (uring_register(fd_, IORING_REGISTER_RING_FDS, &reg, 1) == 1) {
            enter_fd_ = static_cast<int>(reg.offset);
            enter_flags_ = IORING_ENTER_REGISTERED_RING;
        } else {
            enter_fd_ = fd_;
        }
    }
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;

    int fd() const noexcept { return fd_; }

    // A zeroed submission slot; submits what is queued first if the ring is full.
    io_uring_sqe* sqe() {
        if (sq_tail_ - load_acquire(sq_head_) == sq_entries_) submit_and_wait(0);
        io_uring_sqe* s = &sqes_[sq_tail_ & sq_mask_];
        std::memset(s, 0, sizeof *s);
        ++sq_tail_;
        return s;
    }

    // One io_uring_enter: hands over every queued SQE and waits for at least `wait` CQEs.
    void submit_and_wait(unsigned wait) {
        store_release(sq_ktail_, sq_tail_);
        for (;;) {
            const unsigned to_submit = sq_tail_ - load_acquire(sq_head_);
            int r = uring_enter(enter_fd_, to_submit, wait, IORING_ENTER_GETEVENTS | enter_flags_);
            if (r >= 0) return;
            if (errno == EINTR) continue;
            // Busy (completions must be reaped first) or timed out: the caller drains, comes back.
            if (errno == EAGAIN || errno == EBUSY || errno == ETIME) return;
            die("io_uring_enter");
        }
    }

    // Calls f(cqe) for every completion available, then frees their slots.
    template <class F>
    void drain(F&& f) {
        unsigned head = *cq_head_;
        const unsigned tail = load_acquire(cq_tail_);
        for (; head != tail; ++head)
            f(cqes_[head & cq_mask_]);
        store_release(cq_head_, head);
    }

  private:
    void map_rings(const io_uring_params& p) {
        std::size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
        std::size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
        const bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) sq_size = cq_size = sq_size > cq_size ? sq_size : cq_size;
        auto map = [this](std::size_t size, off_t offset) {
            void* m = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_,
                             offset);
            if (m == MAP_FAILED) die("mmap io_uring");
            return static_cast<std::uint8_t*>(m);
        };
        std::uint8_t* sq = map(sq_size, IORING_OFF_SQ_RING);
        std::uint8_t* cq = single ? sq : map(cq_size, IORING_OFF_CQ_RING);
        sqes_ = reinterpret_cast<io_uring_sqe*>(
            map(p.sq_entries * sizeof(io_uring_sqe), IORING_OFF_SQES));
        sq_head_ = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
        sq_ktail_ = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
        sq_mask_ = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
        sq_entries_ = p.sq_entries;
        // The SQ ring holds indices into the SQE array: make it the identity once.
        auto* array = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
        for (unsigned i = 0; i < p.sq_entries; ++i)
            array[i] = i;
        cq_head_ = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
        cq_tail_ = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
        cq_mask_ = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
        cqes_ = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
        sq_tail_ = *sq_ktail_;
    }

    int fd_ = -1;
    int enter_fd_ = -1;
    unsigned enter_flags_ = 0;
    io_uring_sqe* sqes_ = nullptr;
    unsigned* sq_head_ = nullptr;   // kernel: next SQE it takes
    unsigned* sq_ktail_ = nullptr;  // ours, published in submit_and_wait
    unsigned sq_mask_ = 0;
    unsigned sq_entries_ = 0;
    unsigned sq_tail_ = 0;  // next free slot (published in submit_and_wait)
    unsigned* cq_head_ = nullptr;
    unsigned* cq_tail_ = nullptr;
    unsigned cq_mask_ = 0;
    io_uring_cqe* cqes_ = nullptr;
};

// A provided-buffer ring (Linux 5.19+): buffers the kernel picks from when a recv with
// IOSQE_BUFFER_SELECT has data, so no connection holds a buffer while idle. The CQE names the
// buffer it used (cqe.flags >> IORING_CQE_BUFFER_SHIFT); the process puts it back when done.
//
// The kernel takes buffers from the ring in FIFO order, so a ring kept full would cycle every
// read through all `count` buffers: a cold cache line per small message, 64 KiB of cold memory
// per large one (measured: ~10% of the CPU per 64 KiB echo). An epoll server gets the opposite
// for free, reading into the same warm buffer again. So the ring holds only about as many buffers
// as one batch of completions uses (refill()), and the free ones wait on a stack, the most
// recently used given back first.
class BufferRing {
  public:
    // `entries` (a power of two) ring slots; `count` buffers of `size` bytes, ids 0..count-1.
    BufferRing(Ring& ring, std::uint16_t group, unsigned entries, unsigned count, std::size_t size)
        : entries_(entries), size_(size) {
        void* r = ::mmap(nullptr, entries * sizeof(io_uring_buf), PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        // MAP_NORESERVE: the region is large but only the buffers used get pages.
        void* b = ::mmap(nullptr, count * size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r == MAP_FAILED || b == MAP_FAILED) die("mmap buffers");
        ring_ = static_cast<io_uring_buf_ring*>(r);
        base_ = static_cast<std::uint8_t*>(b);
        io_uring_buf_reg reg{};
        reg.ring_addr = reinterpret_cast<__u64>(ring_);
        reg.ring_entries = entries;
        reg.bgid = group;
        if (uring_register(ring.fd(), IORING_REGISTER_PBUF_RING, &reg, 1) != 0) {
            die("IORING_REGISTER_PBUF_RING (needs Linux 5.19)");
        }
        for (unsigned i = count; i-- > 0;)
            free_.push_back(static_cast<std::uint16_t>(i));
        refill(0);
    }

    std::uint8_t* data(std::uint16_t id) const noexcept { return base_ + id * size_; }

    // A CQE carried buffer `id`: it is the process's now.
    void took(std::uint16_t) noexcept { --in_ring_; }
    // Done with `id`: onto the free stack.
    void put(std::uint16_t id) { free_.push_back(id); }
    // A free buffer for the process's own use, or -1.
    int take() {
        if (free_.empty()) return -1;
        int id = free_.back();
        free_.pop_back();
        return id;
    }

    // Call once per batch with the number of recv completions it had (ENOBUFS included): tops
    // the ring up to twice that (the target decays slowly after a burst), most recent first.
    void refill(unsigned recvs) {
        const unsigned want = 2 * recvs + 2;
        target_ = want > target_ - target_ / 8 ? want : target_ - target_ / 8;
        if (target_ < 4) target_ = 4;
        if (target_ > entries_) target_ = entries_;
        while (in_ring_ < target_ && !free_.empty()) {
            give(free_.back());
            free_.pop_back();
            ++in_ring_;
        }
        __atomic_store_n(&ring_->tail, tail_, __ATOMIC_RELEASE);
    }

  private:
    void give(std::uint16_t id) noexcept {
        // Not ring_->bufs[i]: Linux's header declares `bufs` with __DECLARE_FLEX_ARRAY, whose
        // empty struct has size 1 in C++ (0 in C), which moves `bufs` 8 bytes past where the
        // kernel reads slot 0. The ring is a plain array of io_uring_buf. Field by field: slot
        // 0's last field doubles as the ring's tail.
        io_uring_buf& slot = reinterpret_cast<io_uring_buf*>(ring_)[tail_ & (entries_ - 1)];
        slot.addr = reinterpret_cast<__u64>(data(id));
        slot.len = static_cast<__u32>(size_);
        slot.bid = id;
        ++tail_;
    }

    io_uring_buf_ring* ring_ = nullptr;
    std::uint8_t* base_ = nullptr;
    unsigned entries_;
    std::size_t size_;
    std::uint16_t tail_ = 0;
    unsigned in_ring_ = 0;
    unsigned target_ = 0;
    std::vector<std::uint16_t> free_;
};

// user_data of an SQE: what it was (a small tag) and for which socket.
inline __u64 tag(unsigned op, int fd) noexcept {
    return (static_cast<__u64>(op) << 32) | static_cast<std::uint32_t>(fd);
}
inline unsigned tag_op(__u64 user_data) noexcept {
    return static_cast<unsigned>(user_data >> 32);
}
inline int tag_fd(__u64 user_data) noexcept {
    return static_cast<int>(user_data & 0xffffffffU);
}

// Multishot accept: one SQE, one CQE per new connection (Linux 5.19+).
inline void arm_accept(Ring& ring, int listener, unsigned op) {
    io_uring_sqe* s = ring.sqe();
    s->opcode = IORING_OP_ACCEPT;
    s->fd = listener;
    s->ioprio = IORING_ACCEPT_MULTISHOT;
    s->accept_flags = SOCK_CLOEXEC;
    s->user_data = tag(op, listener);
}

// Multishot recv into provided buffers of `group`: one CQE per read (Linux 6.0+).
inline void arm_recv(Ring& ring, int fd, std::uint16_t group, unsigned op) {
    io_uring_sqe* s = ring.sqe();
    s->opcode = IORING_OP_RECV;
    s->fd = fd;
    s->ioprio = IORING_RECV_MULTISHOT;
    s->flags = IOSQE_BUFFER_SELECT;
    s->buf_group = group;
    s->user_data = tag(op, fd);
}

inline void queue_send(Ring& ring, int fd, const void* p, std::size_t len, unsigned op) {
    io_uring_sqe* s = ring.sqe();
    s->opcode = IORING_OP_SEND;
    s->fd = fd;
    s->addr = reinterpret_cast<__u64>(p);
    s->len = static_cast<__u32>(len);
    s->msg_flags = MSG_NOSIGNAL;
    s->user_data = tag(op, fd);
}

}  // namespace ceiling
