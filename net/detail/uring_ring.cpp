#include "net/detail/uring_ring.hpp"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wire::net::detail {
namespace {

std::error_code errno_code() noexcept {
    return {errno, std::system_category()};
}

int sys_setup(unsigned entries, io_uring_params* p) noexcept {
    return static_cast<int>(::syscall(__NR_io_uring_setup, entries, p));
}
int sys_enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags, void* arg,
              std::size_t size) noexcept {
    return static_cast<int>(
        ::syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, arg, size));
}
int sys_register(int fd, unsigned op, void* arg, unsigned n) noexcept {
    return static_cast<int>(::syscall(__NR_io_uring_register, fd, op, arg, n));
}

}  // namespace

std::unique_ptr<UringRing> UringRing::create(unsigned entries, unsigned completions,
                                             std::error_code& ec) {
    std::unique_ptr<UringRing> ring(new UringRing);
    // Newest first; older kernels refuse flags they do not know with EINVAL. R_DISABLED (5.10)
    // lets enable() pick the submitting thread.
    const unsigned tries[] = {
        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED, 0};
    io_uring_params p{};
    for (const unsigned flags : tries) {
        p = io_uring_params{};
        p.flags = flags | IORING_SETUP_CQSIZE;
        p.cq_entries = completions;
        ring->fd_ = sys_setup(entries, &p);
        if (ring->fd_ >= 0 || errno != EINVAL) break;
    }
    if (ring->fd_ < 0) {
        ec = errno_code();
        return nullptr;
    }
    ring->single_issuer_ = (p.flags & IORING_SETUP_SINGLE_ISSUER) != 0;
    ring->defer_taskrun_ = (p.flags & IORING_SETUP_DEFER_TASKRUN) != 0;
    ring->enabled_ = (p.flags & IORING_SETUP_R_DISABLED) == 0;
    // Why: the loop waits with a timeout through IORING_ENTER_EXT_ARG (5.11), and relies on the
    // kernel keeping completions that overflow the ring (NODROP, 5.5).
    if ((p.features & IORING_FEAT_EXT_ARG) == 0 || (p.features & IORING_FEAT_NODROP) == 0) {
        ec = std::make_error_code(std::errc::function_not_supported);
        return nullptr;
    }
    if ((ec = ring->map(p))) return nullptr;
    ring->enter_fd_ = ring->fd_;
    return ring;
}

std::error_code UringRing::map(const io_uring_params& p) {
    sq_map_size_ = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    cq_map_size_ = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
    const bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
    if (single) sq_map_size_ = cq_map_size_ = std::max(sq_map_size_, cq_map_size_);
    const auto map_one = [this](std::size_t size, off_t offset) -> void* {
        void* m =
            ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, offset);
        return m == MAP_FAILED ? nullptr : m;
    };
    sq_map_ = map_one(sq_map_size_, IORING_OFF_SQ_RING);
    if (sq_map_ == nullptr) return errno_code();
    cq_map_ = single ? sq_map_ : map_one(cq_map_size_, IORING_OFF_CQ_RING);
    if (cq_map_ == nullptr) return errno_code();
    sqes_size_ = p.sq_entries * sizeof(io_uring_sqe);
    sqes_ = static_cast<io_uring_sqe*>(map_one(sqes_size_, IORING_OFF_SQES));
    if (sqes_ == nullptr) return errno_code();
    auto* sq = static_cast<std::uint8_t*>(sq_map_);
    auto* cq = static_cast<std::uint8_t*>(cq_map_);
    sq_head_ = reinterpret_cast<unsigned*>(sq + p.sq_off.head);
    sq_ktail_ = reinterpret_cast<unsigned*>(sq + p.sq_off.tail);
    sq_mask_ = *reinterpret_cast<unsigned*>(sq + p.sq_off.ring_mask);
    sq_entries_ = p.sq_entries;
    // The submission ring holds indices into the SQE array: the identity, set once.
    auto* array = reinterpret_cast<unsigned*>(sq + p.sq_off.array);
    for (unsigned i = 0; i < p.sq_entries; ++i)
        array[i] = i;
    sq_tail_ = *sq_ktail_;
    sqe_args_ = std::make_unique<int[]>(p.sq_entries);
    cq_head_ = reinterpret_cast<unsigned*>(cq + p.cq_off.head);
    cq_tail_ = reinterpret_cast<unsigned*>(cq + p.cq_off.tail);
    cq_mask_ = *reinterpret_cast<unsigned*>(cq + p.cq_off.ring_mask);
    cqes_ = reinterpret_cast<io_uring_cqe*>(cq + p.cq_off.cqes);
    return {};
}

UringRing::~UringRing() {
    leave();
    if (sqes_ != nullptr) ::munmap(sqes_, sqes_size_);
    if (cq_map_ != nullptr && cq_map_ != sq_map_) ::munmap(cq_map_, cq_map_size_);
    if (sq_map_ != nullptr) ::munmap(sq_map_, sq_map_size_);
    // Closing the ring cancels every request still in the kernel.
    if (fd_ >= 0) ::close(fd_);
}

std::error_code UringRing::enable() {
    if (!enabled_) {
        if (sys_register(fd_, IORING_REGISTER_ENABLE_RINGS, nullptr, 0) != 0) return errno_code();
        enabled_ = true;
    }
    // Why: io_uring_enter on a plain fd looks the ring up in the file table and takes a
    // reference on it, every call (~50 ns here, as much as the rest of the call's set-up).
    // A ring registered with the calling thread (5.18) is found by its index instead. The
    // registration belongs to this thread; leave() gives it back. Refused (an older kernel, or
    // the thread's 16 slots taken): the plain fd.
    const pid_t self = ::gettid();
    if (enter_flags_ != 0 && entering_thread_ != self) {
        enter_fd_ = fd_;  // registered with another thread: its index means nothing here
        enter_flags_ = 0;
    }
    if (enter_flags_ == 0) {
        io_uring_rsrc_update slot{};
        slot.offset = ~0U;  // any free slot
        slot.data = static_cast<std::uint64_t>(fd_);
        if (sys_register(fd_, IORING_REGISTER_RING_FDS, &slot, 1) == 1) {
            enter_fd_ = static_cast<int>(slot.offset);
            enter_flags_ = IORING_ENTER_REGISTERED_RING;
            entering_thread_ = self;
        }
    }
    return {};
}

void UringRing::leave() noexcept {
    if (enter_flags_ == 0) return;
    // Only the thread that registered holds the index; elsewhere it names another ring.
    if (entering_thread_ == ::gettid()) {
        io_uring_rsrc_update slot{};
        slot.offset = static_cast<std::uint32_t>(enter_fd_);
        (void)sys_register(fd_, IORING_UNREGISTER_RING_FDS, &slot, 1);
    }
    enter_fd_ = fd_;
    enter_flags_ = 0;
}

std::error_code UringRing::register_op(unsigned op, void* arg, unsigned count) noexcept {
    if (sys_register(fd_, op, arg, count) != 0) return errno_code();
    return {};
}

unsigned UringRing::register_files(unsigned slots) noexcept {
    io_uring_rsrc_register files{};
    files.nr = slots;
    files.flags = IORING_RSRC_REGISTER_SPARSE;
    if (sys_register(fd_, IORING_REGISTER_FILES2, &files, sizeof files) != 0) return 0;
    return slots;
}

bool UringRing::empty_file_slot(unsigned slot) noexcept {
    int none = -1;
    io_uring_files_update update{};
    update.offset = slot;
    update.fds = reinterpret_cast<std::uint64_t>(&none);
    return sys_register(fd_, IORING_REGISTER_FILES_UPDATE, &update, 1) == 1;
}

void UringRing::prep_file_update(io_uring_sqe& sqe, unsigned slot, int fd,
                                 std::uint64_t user_data) noexcept {
    // The kernel reads the fd from our memory when it takes the request, after this returns.
    int& arg = sqe_args_[static_cast<std::size_t>(&sqe - sqes_)];
    arg = fd;
    sqe.opcode = IORING_OP_FILES_UPDATE;
    sqe.fd = -1;
    sqe.addr = reinterpret_cast<std::uint64_t>(&arg);
    sqe.len = 1;
    sqe.off = slot;
    sqe.flags = IOSQE_CQE_SKIP_SUCCESS;
    sqe.user_data = user_data;
}

io_uring_sqe* UringRing::sqe() noexcept {
    if (sq_tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE) == sq_entries_) return nullptr;
    io_uring_sqe* s = &sqes_[sq_tail_ & sq_mask_];
    std::memset(s, 0, sizeof *s);
    ++sq_tail_;
    return s;
}

bool UringRing::has_completions() const noexcept {
    return *cq_head_ != __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
}

std::error_code UringRing::enter(unsigned min_complete, int timeout_ms) {
    __atomic_store_n(sq_ktail_, sq_tail_, __ATOMIC_RELEASE);
    const unsigned to_submit = sq_tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
    // GETEVENTS even without waiting: with DEFER_TASKRUN that is when completions are posted.
    unsigned flags = IORING_ENTER_GETEVENTS | enter_flags_;
    __kernel_timespec ts{};
    io_uring_getevents_arg arg{};
    void* argp = nullptr;
    std::size_t argsz = 0;
    if (min_complete > 0 && timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1000000;
        arg.ts = reinterpret_cast<std::uint64_t>(&ts);
        flags |= IORING_ENTER_EXT_ARG;
        argp = &arg;
        argsz = sizeof arg;
    }
    if (sys_enter(enter_fd_, to_submit, min_complete, flags, argp, argsz) >= 0) return {};
    // ETIME: the timeout passed; EINTR: a signal; EAGAIN/EBUSY: completions must be reaped
    // first. The caller drains and comes back in each case.
    if (errno == ETIME || errno == EINTR || errno == EAGAIN || errno == EBUSY) return {};
    return errno_code();
}

std::error_code UringRing::submit() {
    return enter(0, 0);
}

std::error_code UringRing::submit_and_wait(int timeout_ms) {
    return enter(timeout_ms == 0 ? 0u : 1u, timeout_ms);
}

}  // namespace wire::net::detail
