// ceiling_ws_uring: ceiling_ws_epoll's echo server on io_uring, to measure whether the
// completion model moves the ceiling of messages per server CPU-second (bench/bench-ceiling.sh).
//
//   build/bench/ceiling_ws_uring [--port N]      (or PORT=N; default 8080)
//
// One thread, one ring (bench/ceiling/uring.hpp), one io_uring_enter per batch. Multishot accept;
// per connection a multishot recv into provided 128 KiB blocks. Each recv completion is echoed in
// place inside its block (bench/ceiling/ws_echo.hpp) and sent from there with one send SQE, so the
// block stays out of the ring until that send completes: blocks are reference-counted (the recv,
// each send from it, a partial frame kept in it) and are free at zero (BufferRing::put).
// A frame split across reads stays where it started; the next read's bytes are appended behind
// it (copied, usually the short tail of a 64 KiB frame), or both move to a spare block when the
// frame would not fit. One send in flight per connection keeps the echoes in order.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/ceiling/common.hpp"
#include "bench/ceiling/uring_loop.hpp"
#include "bench/ceiling/ws_echo.hpp"

namespace {

using namespace ceiling;

constexpr std::size_t block_size = 128 * 1024;  // a 64 KiB frame fits wherever it starts early
constexpr unsigned blocks = 4096;               // ring slots too: the ring may hold them all

struct Send {
    const std::uint8_t* p;
    std::size_t len;
    int block;  // the block holding the bytes (released when sent), or -1
};

struct Conn {
    bool upgraded = false;
    bool closing = false;    // close echoed or bad frame: no more reading; shut down once sent
    bool shut = false;       // shutdown() done: the recv will end
    bool recv_done = false;  // the multishot recv ended: close once the sends are back
    bool sending = false;    // the queue's front is in flight
    std::string head;        // the upgrade request until its end arrives
    char response[160];      // the 101 answer
    int hold = -1;           // block holding a partial frame at [hold_off, hold_off + hold_len)
    std::size_t hold_off = 0;
    std::size_t hold_len = 0;
    std::vector<Send> queue;  // sends in order; front at queue_head
    std::size_t queue_head = 0;
};

class Server : public UringLoop<Server> {
  public:
    explicit Server(int listener)
        : UringLoop(listener, {4096, 32768, blocks, blocks, block_size}), refs_(blocks, 0) {}

  private:
    friend class UringLoop<Server>;  // calls open, received and sent

    void open(int fd) {
        const auto at = static_cast<std::size_t>(fd);
        if (at >= conns_.size()) conns_.resize(2 * at + 64);
        conns_[at] = std::make_unique<Conn>();
    }

    // ---- blocks: a reference count each; free at zero
    void release(int b) {
        if (--refs_[static_cast<std::size_t>(b)] == 0) bufs_.put(static_cast<std::uint16_t>(b));
    }
    int take_spare() { return bufs_.take(); }
    std::uint8_t* data(int b) { return bufs_.data(static_cast<std::uint16_t>(b)); }
    void set_hold(Conn& c, int b, std::size_t off, std::size_t len) {
        if (b >= 0) ++refs_[static_cast<std::size_t>(b)];  // first: b may be the same block
        if (c.hold >= 0) release(c.hold);
        c.hold = b;
        c.hold_off = off;
        c.hold_len = len;
    }

    void received(int fd, const io_uring_cqe& cqe, bool more) {
        Conn& c = *conns_[static_cast<std::size_t>(fd)];
        ++recvs_;
        if (cqe.res > 0) {
            const int b = static_cast<int>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
            bufs_.took(static_cast<std::uint16_t>(b));
            refs_[static_cast<std::size_t>(b)] = 1;  // this completion's reference
            const auto n = static_cast<std::size_t>(cqe.res);
            if (c.closing) {
                // after a close: the rest is not read (RFC 6455 §5.5.1)
            } else if (!c.upgraded) {
                handshake(fd, c, data(b), n);
            } else if (c.hold < 0) {
                echo_region(fd, c, b, 0, n);
            } else {
                append_to_hold(fd, c, data(b), n);
            }
            release(b);
            if (more) return;
            if (!c.closing) return arm_recv(ring_, fd, group, op_recv);  // e.g. CQ overflow
        } else if (cqe.res == -ENOBUFS && !c.closing) {
            return arm_recv(ring_, fd, group, op_recv);  // every block was in use
        }
        c.recv_done = true;  // 0: the peer closed (or our shutdown); < 0: the socket failed
        if (!c.sending) finish(fd, c);
    }

    // The next bytes of a frame split across reads: behind it in its block, or both to a spare.
    void append_to_hold(int fd, Conn& c, const std::uint8_t* p, std::size_t n) {
        if (c.hold_off + c.hold_len + n > block_size) {
            int s = c.hold_len + n <= block_size ? take_spare() : -1;
            if (s < 0) return fail(fd, c);  // a frame larger than a block, or no spare left
            std::memcpy(data(s), data(c.hold) + c.hold_off, c.hold_len);
            set_hold(c, s, 0, c.hold_len);
        }
        std::memcpy(data(c.hold) + c.hold_off + c.hold_len, p, n);
        c.hold_len += n;
        echo_region(fd, c, c.hold, c.hold_off, c.hold_len);
    }

    // Echoes the whole frames in block b at [off, off + len) in place and queues their send;
    // a partial frame left at the end becomes the connection's hold.
    void echo_region(int fd, Conn& c, int b, std::size_t off, std::size_t len) {
        std::uint8_t* p = data(b) + off;
        EchoPass r = echo_frames(p, len);
        if (r.out_len != 0) {
            ++refs_[static_cast<std::size_t>(b)];
            enqueue(fd, c, Send{p, r.out_len, b});
        }
        if (r.error || r.close) return fail(fd, c);  // after echoing a close, the same steps
        const std::size_t rest = len - r.consumed;
        off += r.consumed;
        if (rest == 0) return set_hold(c, -1, 0, 0);
        if (off + r.need <= block_size) return set_hold(c, b, off, rest);
        int s = r.need <= block_size ? take_spare() : -1;
        if (s < 0) return fail(fd, c);
        std::memcpy(data(s), p + r.consumed, rest);
        set_hold(c, s, 0, rest);
    }

    // RFC 6455 §4.2: collect the request head, answer 101; bytes behind it are frames.
    void handshake(int fd, Conn& c, const std::uint8_t* p, std::size_t n) {
        c.head.append(reinterpret_cast<const char*>(p), n);
        std::size_t head =
            head_length(reinterpret_cast<const std::uint8_t*>(c.head.data()), c.head.size());
        if (head == 0) {
            if (c.head.size() > 16384) fail(fd, c);
            return;
        }
        std::size_t len = upgrade_response(std::string_view(c.head).substr(0, head), c.response);
        if (len == 0) return fail(fd, c);
        c.upgraded = true;
        enqueue(fd, c, Send{reinterpret_cast<const std::uint8_t*>(c.response), len, -1});
        if (head == c.head.size()) return;
        int s = take_spare();
        if (s < 0) return fail(fd, c);
        std::memcpy(data(s), c.head.data() + head, c.head.size() - head);
        set_hold(c, s, 0, c.head.size() - head);
        echo_region(fd, c, c.hold, 0, c.hold_len);
    }

    void enqueue(int fd, Conn& c, Send s) {
        c.queue.push_back(s);
        if (!c.sending) issue(fd, c);
    }
    void issue(int fd, Conn& c) {
        const Send& s = c.queue[c.queue_head];
        queue_send(ring_, fd, s.p, s.len, op_send);
        c.sending = true;
    }

    void sent(int fd, int res) {
        Conn& c = *conns_[static_cast<std::size_t>(fd)];
        c.sending = false;
        if (res < 0) {  // the peer is gone: drop what is queued
            for (; c.queue_head < c.queue.size(); ++c.queue_head) {
                if (c.queue[c.queue_head].block >= 0) release(c.queue[c.queue_head].block);
            }
            c.closing = true;
        } else {
            Send& s = c.queue[c.queue_head];
            s.p += res;
            s.len -= static_cast<std::size_t>(res);
            if (s.len == 0) {
                if (s.block >= 0) release(s.block);
                ++c.queue_head;
            }
        }
        if (c.queue_head == c.queue.size()) {
            c.queue.clear();  // keeps its capacity: no allocation per message
            c.queue_head = 0;
        } else {
            return issue(fd, c);
        }
        if (c.recv_done) return finish(fd, c);
        if (c.closing) shut(fd, c);
    }

    // Stop reading; once the queued echoes are out, shut the socket down: the recv then ends.
    void fail(int fd, Conn& c) {
        c.closing = true;
        set_hold(c, -1, 0, 0);
        if (!c.sending) shut(fd, c);
    }
    void shut(int fd, Conn& c) {
        if (c.shut) return;
        c.shut = true;
        ::shutdown(fd, SHUT_RDWR);
    }
    // No recv armed, no send in flight: nothing refers to fd any more.
    void finish(int fd, Conn& c) {
        set_hold(c, -1, 0, 0);
        ::close(fd);
        conns_[static_cast<std::size_t>(fd)].reset();
    }

    std::vector<std::uint32_t> refs_;
    std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Server server(listen_on(port_flag(argc, argv), false));
    server.run();
}
