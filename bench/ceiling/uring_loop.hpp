// uring_loop.hpp: the event loop both io_uring ceiling servers share. Multishot accept, one
// submit-and-wait per batch, completions dispatched by the op in their user_data tag, and the
// provided-buffer ring refilled before the next batch goes in. `Server` (CRTP) supplies
// open(fd) (a new connection), received(fd, cqe, more) and sent(fd, res).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bench/ceiling/common.hpp"
#include "bench/ceiling/uring.hpp"

namespace ceiling {

enum Op : unsigned { op_accept = 1, op_recv = 2, op_send = 3 };
constexpr std::uint16_t group = 0;  // the provided-buffer group every recv draws from

struct RingSizes {
    unsigned sq_entries, cq_entries;
    unsigned buffer_slots, buffers;  // ring slots (a power of two), buffers in the group
    std::size_t buffer_size;
};

template <class Server>
class UringLoop {
  public:
    UringLoop(int listener, const RingSizes& s)
        : ring_(s.sq_entries, s.cq_entries),
          bufs_(ring_, group, s.buffer_slots, s.buffers, s.buffer_size),
          listener_(listener) {
        arm_accept(ring_, listener_, op_accept);
    }

    [[noreturn]] void run() {
        for (;;) {
            ring_.submit_and_wait(1);
            ring_.drain([this](const io_uring_cqe& cqe) { complete(cqe); });
            bufs_.refill(recvs_);  // buffers for the next batch, before it is submitted
            recvs_ = 0;
        }
    }

  protected:
    Ring ring_;
    BufferRing bufs_;
    unsigned recvs_ = 0;  // recv completions in this batch (the server counts them)

  private:
    void complete(const io_uring_cqe& cqe) {
        auto& server = static_cast<Server&>(*this);
        const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;  // multishot still armed
        const int fd = tag_fd(cqe.user_data);
        switch (tag_op(cqe.user_data)) {
            case op_accept:
                if (cqe.res >= 0) {
                    set_nodelay(cqe.res);
                    server.open(cqe.res);
                    arm_recv(ring_, cqe.res, group, op_recv);
                }
                if (!more) arm_accept(ring_, listener_, op_accept);
                break;
            case op_recv:
                server.received(fd, cqe, more);
                break;
            case op_send:
                server.sent(fd, cqe.res);
                break;
        }
    }

    int listener_;
};

}  // namespace ceiling
