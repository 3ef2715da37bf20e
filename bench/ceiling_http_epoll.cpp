// ceiling_http_epoll: the cheapest HTTP keep-alive server epoll allows, to measure the ceiling of
// requests per server CPU-second on this machine (bench/bench-ceiling.sh).
//
//   build/bench/ceiling_http_epoll [--port N]      (or PORT=N; default 8080)
//
// One thread, level-triggered epoll. Per readable connection: one recv into a static buffer,
// count the complete request heads in it, answer every one with the same fixed 200 response
// (bench/ceiling/http_reply.hpp: the bytes examples/hello_server sends), all in one send. That is
// the same one recv + one send per request as wire and nginx, with no user-space work around them.
// Only a response that did not fit in the socket buffer makes the server wait for EPOLLOUT.
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench/ceiling/common.hpp"
#include "bench/ceiling/epoll_loop.hpp"
#include "bench/ceiling/http_reply.hpp"

namespace {

using namespace ceiling;

struct Conn {
    RequestCounter counter;
    std::size_t owed = 0;   // response bytes not yet sent
    bool out_wait = false;  // registered for EPOLLOUT instead of EPOLLIN
};

std::uint8_t read_buffer[16384];  // shared by all connections: data never outlives one event
const ResponseBatch batch;

class Server : public EpollLoop<Server> {
  public:
    using EpollLoop::EpollLoop;

  private:
    friend class EpollLoop<Server>;  // calls open, serve and flush

    void open(int fd) {
        if (static_cast<std::size_t>(fd) >= conns_.size())
            conns_.resize(2 * static_cast<std::size_t>(fd) + 64);
        conns_[static_cast<std::size_t>(fd)] = Conn{};
    }

    void close_conn(int fd) { ::close(fd); }  // close() also removes it from the epoll set

    // One recv, then one send answering every request head completed by it.
    void serve(int fd) {
        Conn& c = conns_[static_cast<std::size_t>(fd)];
        ssize_t n = ::recv(fd, read_buffer, sizeof read_buffer, 0);
        if (n <= 0) {
            if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_conn(fd);
            return;
        }
        std::size_t requests = c.counter.feed(read_buffer, static_cast<std::size_t>(n));
        if (requests == 0) return;
        c.owed = requests * ResponseBatch::size;
        flush(fd);
    }

    // Sends what is owed; what the socket does not take waits for EPOLLOUT, and reading stops
    // meanwhile (a client that does not read gets no more answers queued).
    void flush(int fd) {
        Conn& c = conns_[static_cast<std::size_t>(fd)];
        while (c.owed != 0) {
            std::string_view out = batch.tail(c.owed);
            ssize_t sent = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) {
                    if (!c.out_wait) watch(EPOLL_CTL_MOD, fd, EPOLLOUT);
                    c.out_wait = true;
                    return;
                }
                close_conn(fd);
                return;
            }
            c.owed -= static_cast<std::size_t>(sent);
        }
        if (c.out_wait) watch(EPOLL_CTL_MOD, fd, EPOLLIN);
        c.out_wait = false;
    }

    std::vector<Conn> conns_;
};

}  // namespace

int main(int argc, char** argv) {
    Server server(listen_on(port_flag(argc, argv), true));
    server.run();
}
