// UringRing: an io_uring instance on the raw system calls (io_uring_setup, io_uring_enter,
// io_uring_register, mmap): no liburing, so no runtime package.
//
// How io_uring works, in brief: the process and the kernel share two rings in memory. The
// process writes requests (SQEs: "tell me when fd 7 is readable") at the submission ring's tail;
// one io_uring_enter hands all of them to the kernel and, in the same call, waits for results
// (CQEs), which the kernel writes at the completion ring's tail.
//
// Set up with SINGLE_ISSUER and DEFER_TASKRUN where the kernel has them (6.1+): one thread
// submits, so the kernel skips its locking, and completion work runs inside our io_uring_enter
// rather than interrupting the thread. SINGLE_ISSUER binds the ring to one thread: the ring is
// made disabled (R_DISABLED) and enable() binds it to the thread that runs the loop, which is
// usually not the one that built it.
#pragma once

#include <linux/io_uring.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <system_error>

namespace wire::net::detail {

class UringRing {
  public:
    // `entries` submission slots and `completions` completion slots (powers of two). Returns
    // null and sets `ec` when the kernel refuses: ENOSYS (no io_uring), EPERM
    // (kernel.io_uring_disabled, seccomp), EINVAL (too old for what the loop needs), ENOMEM.
    static std::unique_ptr<UringRing> create(unsigned entries, unsigned completions,
                                             std::error_code& ec);
    ~UringRing();
    UringRing(const UringRing&) = delete;
    UringRing& operator=(const UringRing&) = delete;

    // The calling thread becomes the one that submits (IORING_REGISTER_ENABLE_RINGS), and
    // enters the ring by a registered index where the kernel allows.
    std::error_code enable();
    // The calling thread is done entering (for now): its registered index goes back, or the
    // thread would keep the ring open after the fd is closed.
    void leave() noexcept;
    bool entered_by_index() const noexcept { return enter_flags_ != 0; }
    bool single_issuer() const noexcept { return single_issuer_; }
    // Completions are posted only inside our io_uring_enter (DEFER_TASKRUN): between two
    // entries the kernel finishes no request, so a cancellation queued now takes effect before
    // any receive could deliver more bytes.
    bool defer_taskrun() const noexcept { return defer_taskrun_; }
    // io_uring_register(2) on this ring.
    std::error_code register_op(unsigned op, void* arg, unsigned count) noexcept;
    // An empty table of `slots` fixed files (IORING_REGISTER_FILES2, sparse, 5.19): a request
    // that names its socket by slot (IOSQE_FIXED_FILE) spares the kernel the fd lookup and the
    // file's reference count, each time. Returns the slots, or 0 when the kernel refuses.
    unsigned register_files(unsigned slots) noexcept;
    // Empties fixed-file slot `slot` now, with a system call of its own (for a loop that is
    // not running: no io_uring_enter may come soon). False if the kernel refuses (another
    // thread than the ring's submitter, with SINGLE_ISSUER).
    bool empty_file_slot(unsigned slot) noexcept;
    // Makes `sqe` (from sqe()) put the socket `fd` in fixed-file slot `slot`, or empty the slot
    // (fd -1): a request like any other (IORING_OP_FILES_UPDATE), taken before the requests
    // queued after it, with no system call of its own. A slot holds a reference to its socket:
    // the socket stays open until the slot is emptied. Posts a completion only if it fails.
    void prep_file_update(io_uring_sqe& sqe, unsigned slot, int fd,
                          std::uint64_t user_data) noexcept;

    // A zeroed submission slot, or null when the ring is full (submit() first).
    io_uring_sqe* sqe() noexcept;
    // Hands the queued SQEs over without waiting.
    std::error_code submit();
    // One io_uring_enter: submits what is queued and waits for at least one completion, at most
    // `timeout_ms` (-1: no limit; 0: only collects what is done). A timeout or an interruption
    // is no error.
    std::error_code submit_and_wait(int timeout_ms);

    bool has_completions() const noexcept;
    // SQEs queued and not yet taken by the kernel (an io_uring_enter that took only some: the
    // completion ring was full).
    unsigned unsubmitted() const noexcept {
        return sq_tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
    }
    // Calls f(cqe) for each completion available, then frees their slots.
    template <class F>
    void drain(F&& f) {
        unsigned head = *cq_head_;
        const unsigned tail = __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
        for (; head != tail; ++head)
            f(cqes_[head & cq_mask_]);
        __atomic_store_n(cq_head_, head, __ATOMIC_RELEASE);
    }

  private:
    UringRing() = default;
    std::error_code map(const io_uring_params& p);
    std::error_code enter(unsigned min_complete, int timeout_ms);

    int fd_ = -1;
    int enter_fd_ = -1;          // fd_, or its index registered with the entering thread
    unsigned enter_flags_ = 0;   // IORING_ENTER_REGISTERED_RING with a registered index
    pid_t entering_thread_ = 0;  // the thread the index is registered with
    bool single_issuer_ = false;
    bool defer_taskrun_ = false;
    bool enabled_ = false;
    void* sq_map_ = nullptr;
    std::size_t sq_map_size_ = 0;
    void* cq_map_ = nullptr;  // == sq_map_ with IORING_FEAT_SINGLE_MMAP
    std::size_t cq_map_size_ = 0;
    io_uring_sqe* sqes_ = nullptr;
    std::size_t sqes_size_ = 0;
    // One int per submission slot, for requests that read an argument from our memory when the
    // kernel takes them (a file update's fd): it stays put until the slot is used again.
    std::unique_ptr<int[]> sqe_args_;
    unsigned* sq_head_ = nullptr;   // the kernel's: the next SQE it takes
    unsigned* sq_ktail_ = nullptr;  // ours, published when entering
    unsigned sq_mask_ = 0;
    unsigned sq_entries_ = 0;
    unsigned sq_tail_ = 0;  // the next free slot
    unsigned* cq_head_ = nullptr;
    unsigned* cq_tail_ = nullptr;
    unsigned cq_mask_ = 0;
    io_uring_cqe* cqes_ = nullptr;
};

}  // namespace wire::net::detail
