// ceiling_http_uring: ceiling_http_epoll's server on io_uring, to measure whether the completion
// model moves the ceiling of requests per server CPU-second (bench/bench-ceiling.sh).
//
//   build/bench/ceiling_http_uring [--port N]      (or PORT=N; default 8080)
//
// One thread, one ring (bench/ceiling/uring.hpp). A multishot accept yields the connections; each
// gets a multishot recv into provided buffers; every recv completion counts the request heads and
// queues one send SQE answering all of them. The loop makes one io_uring_enter per batch: it
// submits every SQE queued while handling the last batch and waits for the next completions.
// So per request: no system call of its own, one recv and one send executed by the kernel.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench/ceiling/common.hpp"
#include "bench/ceiling/http_reply.hpp"
#include "bench/ceiling/uring_loop.hpp"

namespace {

using namespace ceiling;

struct Conn {
    RequestCounter counter;
    std::size_t owed = 0;    // response bytes not yet sent
    bool sending = false;    // a send SQE is in flight (one at a time keeps the bytes in order)
    bool recv_done = false;  // the peer closed or the socket failed: close once the send is back
};

const ResponseBatch batch;

class Server : public UringLoop<Server> {
  public:
    explicit Server(int listener) : UringLoop(listener, {4096, 16384, 2048, 2048, 16384}) {}

  private:
    friend class UringLoop<Server>;  // calls open, received and sent

    void open(int fd) {
        if (static_cast<std::size_t>(fd) >= conns_.size())
            conns_.resize(2 * static_cast<std::size_t>(fd) + 64);
        conns_[static_cast<std::size_t>(fd)] = Conn{};
    }

    void received(int fd, const io_uring_cqe& cqe, bool more) {
        Conn& c = conns_[static_cast<std::size_t>(fd)];
        ++recvs_;
        if (cqe.res > 0) {
            const auto id = static_cast<std::uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
            bufs_.took(id);
            std::size_t requests =
                c.counter.feed(bufs_.data(id), static_cast<std::size_t>(cqe.res));
            bufs_.put(id);  // nothing refers to the request bytes any more
            c.owed += requests * ResponseBatch::size;
            if (!c.sending && c.owed != 0) send_owed(fd, c);
            if (!more) arm_recv(ring_, fd, group, op_recv);  // e.g. the CQ ring overflowed
        } else if (cqe.res == -ENOBUFS) {
            arm_recv(ring_, fd, group, op_recv);  // all buffers were in use: they are back now
        } else {
            c.recv_done = true;  // 0: the peer closed; < 0: the socket failed
            if (!c.sending) ::close(fd);
        }
    }

    void send_owed(int fd, Conn& c) {
        std::string_view out = batch.tail(c.owed);
        queue_send(ring_, fd, out.data(), out.size(), op_send);
        c.sending = true;
    }

    void sent(int fd, int res) {
        Conn& c = conns_[static_cast<std::size_t>(fd)];
        c.sending = false;
        if (res > 0) c.owed -= static_cast<std::size_t>(res);
        if (res < 0) c.owed = 0;  // the peer is gone; the recv will report it
        if (c.recv_done) {
            ::close(fd);
        } else if (c.owed != 0) {
            send_owed(fd, c);
        }
    }

    std::vector<Conn> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Server server(listen_on(port_flag(argc, argv), false));
    server.run();
}
