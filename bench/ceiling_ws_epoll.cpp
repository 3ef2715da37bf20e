// ceiling_ws_epoll: the cheapest WebSocket echo server epoll allows, to measure the ceiling of
// messages per server CPU-second on this machine (bench/bench-ceiling.sh).
//
//   build/bench/ceiling_ws_epoll [--port N]      (or PORT=N; default 8080)
//
// One thread, level-triggered epoll. Any path upgrades (the 101 answer uses wire's
// compute_accept). Per readable connection: one recv, echo every complete frame in place
// (bench/ceiling/ws_echo.hpp), one send for all the echoes. Where the recv goes:
//   - a static buffer shared by all connections, when nothing is left over from the last read
//     and the last frames were small: the common case, and cache-hot;
//   - the connection's own buffer, after the end of an incomplete frame, or always once its
//     frames are large (> 8 KiB): a 64 KiB frame may arrive in two reads, and reading it where it
//     will stay saves copying it out of the static buffer.
// A send the socket did not take whole is copied aside and sent on EPOLLOUT; reading stops
// meanwhile.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "bench/ceiling/common.hpp"
#include "bench/ceiling/epoll_loop.hpp"
#include "bench/ceiling/ws_echo.hpp"

namespace {

using namespace ceiling;

constexpr std::size_t big_frame = 8192;

struct Conn {
    Bytes in;   // bytes kept between reads: the request head, or a partial frame
    Bytes out;  // echo bytes the socket did not take yet
    bool upgraded = false;
    bool big = false;  // recent frames were large: read into `in`
};

std::uint8_t shared_buffer[256 * 1024];

class Server : public EpollLoop<Server> {
  public:
    using EpollLoop::EpollLoop;

  private:
    friend class EpollLoop<Server>;  // calls open, serve and flush

    void open(int fd) {
        const auto at = static_cast<std::size_t>(fd);
        if (at >= conns_.size()) conns_.resize(2 * at + 64);
        conns_[at] = std::make_unique<Conn>();
    }

    void close_conn(int fd) {
        ::close(fd);
        conns_[static_cast<std::size_t>(fd)].reset();
    }

    // recv into p[0, cap): > 0 bytes read; 0 when there is nothing to do now (or it closed).
    std::size_t read_some(int fd, std::uint8_t* p, std::size_t cap) {
        ssize_t n = ::recv(fd, p, cap, 0);
        if (n > 0) return static_cast<std::size_t>(n);
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_conn(fd);
        return 0;
    }

    void serve(int fd) {
        Conn& c = *conns_[static_cast<std::size_t>(fd)];
        if (!c.upgraded) return handshake(fd, c);
        if (c.in.empty() && !c.big) {
            std::size_t n = read_some(fd, shared_buffer, sizeof shared_buffer);
            if (n == 0) return;
            EchoPass r = echo_frames(shared_buffer, n);
            // A partial frame at the end moves to the connection's buffer, to be completed there.
            if (!r.error && r.consumed < n) {
                c.in.reserve(r.need);
                std::memcpy(c.in.data(), shared_buffer + r.consumed, n - r.consumed);
                c.in.resize(n - r.consumed);
            }
            answer(fd, c, shared_buffer, r);
            return;
        }
        // Room for the frame being completed, or for a whole large frame and then some.
        c.in.reserve(c.in.size() + 2 * big_frame);
        std::size_t n = read_some(fd, c.in.data() + c.in.size(), c.in.capacity() - c.in.size());
        if (n == 0) return;
        c.in.resize(c.in.size() + n);
        EchoPass r = echo_frames(c.in.data(), c.in.size());
        if (!r.error && r.consumed < c.in.size()) c.in.reserve(r.need);
        if (!answer(fd, c, c.in.data(), r)) return;
        c.in.consume(r.consumed);  // after the send: the echoes were at the front of `in`
    }

    // Sends the echoes at p[0, r.out_len); false when the connection was closed.
    bool answer(int fd, Conn& c, const std::uint8_t* p, const EchoPass& r) {
        if (r.largest != 0) c.big = r.largest > big_frame;
        if (r.out_len != 0 && !send_all(fd, c, p, r.out_len)) return false;
        if (r.error || r.close) {
            close_conn(fd);  // after echoing a close (RFC 6455 §5.5.1), or on a broken frame
            return false;
        }
        return true;
    }

    // One send; what the socket does not take is copied to `out` and waits for EPOLLOUT.
    bool send_all(int fd, Conn& c, const std::uint8_t* p, std::size_t len) {
        ssize_t sent = ::send(fd, p, len, MSG_NOSIGNAL);
        if (sent < 0 && errno != EAGAIN && errno != EINTR) {
            close_conn(fd);
            return false;
        }
        const std::size_t done = sent < 0 ? 0 : static_cast<std::size_t>(sent);
        if (done == len) return true;
        c.out.reserve(len - done);
        std::memcpy(c.out.data(), p + done, len - done);
        c.out.resize(len - done);
        watch(EPOLL_CTL_MOD, fd, EPOLLOUT);
        return true;
    }

    void flush(int fd) {
        Conn& c = *conns_[static_cast<std::size_t>(fd)];
        ssize_t sent = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno != EAGAIN && errno != EINTR) close_conn(fd);
            return;
        }
        c.out.consume(static_cast<std::size_t>(sent));
        if (c.out.empty()) watch(EPOLL_CTL_MOD, fd, EPOLLIN);
    }

    // RFC 6455 §4.2: collect the request head, answer 101, then frames.
    void handshake(int fd, Conn& c) {
        c.in.reserve(c.in.size() + 4096);
        std::size_t n = read_some(fd, c.in.data() + c.in.size(), c.in.capacity() - c.in.size());
        if (n == 0) return;
        c.in.resize(c.in.size() + n);
        std::size_t head = head_length(c.in.data(), c.in.size());
        if (head == 0) {
            if (c.in.size() > 16384) close_conn(fd);  // no head end in sight
            return;
        }
        char response[160];
        std::size_t len = upgrade_response(
            std::string_view(reinterpret_cast<const char*>(c.in.data()), head), response);
        if (len == 0) return close_conn(fd);
        if (!send_all(fd, c, reinterpret_cast<const std::uint8_t*>(response), len)) return;
        c.in.consume(head);
        c.upgraded = true;
        // Frames sent right behind the head wait for the next read: level-triggered epoll
        // reports the socket again only if more arrives, so handle them now.
        if (!c.in.empty()) {
            EchoPass r = echo_frames(c.in.data(), c.in.size());
            if (answer(fd, c, c.in.data(), r)) c.in.consume(r.consumed);
        }
    }

    std::vector<std::unique_ptr<Conn>> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Server server(listen_on(port_flag(argc, argv), true));
    server.run();
}
