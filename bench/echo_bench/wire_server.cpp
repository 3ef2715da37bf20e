// The echo server on wire's event loop: what an HTTP or WebSocket server on the loop looks like,
// minus the protocol.
//
// Memory per connection is kept to what must exist: one small object (the IoHandler vtable
// pointer, the Socket, a pointer to a pending-output buffer) plus the loop's 16-byte slot. Reads
// go into one buffer per loop, shared by all connections; a buffer of its own is allocated only
// when the kernel did not take the whole echo (then reading stops until it drains: back-pressure).
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "bench/echo_bench/common.hpp"
#include "net/listener.hpp"
#include "net/loop_group.hpp"

namespace echo_bench {
namespace {

using namespace wire::net;

class Server;

class Connection final : public IoHandler {
  public:
    Connection(Server& server, Socket socket) : server_(server), socket_(std::move(socket)) {}
    int fd() const { return socket_.fd(); }
    void on_readable() override;
    void on_writable() override;
    void on_error() override;

  private:
    bool send(const char* data, std::size_t size);
    Server& server_;
    Socket socket_;
    std::unique_ptr<char[]> pending_;  // unsent output, only while the kernel buffer is full
    std::uint32_t pending_size_ = 0;
    std::uint32_t pending_sent_ = 0;
};

class Server final : public IoHandler {
  public:
    Server(EventLoop& loop, Listener listener) : loop_(loop), listener_(std::move(listener)) {
        if (loop_.add(listener_.fd(), Interest::readable, this)) std::abort();
    }
    EventLoop& loop() { return loop_; }
    char* scratch() { return scratch_; }

    void on_readable() override {
        for (;;) {
            auto s = listener_.accept();
            if (!s) return;  // would_block, or a connection shed on EMFILE
            (void)s->set_no_delay(true);
            const auto fd = static_cast<std::size_t>(s->fd());
            if (fd >= conns_.size()) conns_.resize(fd + 1 + fd / 2);
            conns_[fd] = std::make_unique<Connection>(*this, std::move(*s));
            if (loop_.add(static_cast<int>(fd), Interest::readable, conns_[fd].get())) {
                conns_[fd].reset();
            }
        }
    }
    void on_error() override {}
    void close(int fd) {
        (void)loop_.remove(fd);
        conns_[static_cast<std::size_t>(fd)].reset();
    }

    static constexpr std::size_t scratch_size = 64 * 1024;

  private:
    EventLoop& loop_;
    Listener listener_;
    std::vector<std::unique_ptr<Connection>> conns_;  // indexed by fd
    char scratch_[scratch_size];
};

// Level-triggered: one read per readiness; whatever is left is reported again next turn.
void Connection::on_readable() {
    auto n = socket_.read(server_.scratch(), Server::scratch_size);
    if (!n) {
        if (!would_block(n.error())) server_.close(fd());
        return;
    }
    if (*n == 0 || !send(server_.scratch(), *n)) server_.close(fd());
}

bool Connection::send(const char* data, std::size_t size) {
    auto n = socket_.write(data, size);
    std::size_t sent = n ? *n : 0;
    if (!n && !would_block(n.error())) return false;
    if (sent == size) return true;
    // The kernel took part of it: keep the rest and wait for room instead of reading more.
    pending_size_ = static_cast<std::uint32_t>(size - sent);
    pending_sent_ = 0;
    pending_ = std::make_unique<char[]>(pending_size_);
    std::memcpy(pending_.get(), data + sent, pending_size_);
    return !server_.loop().modify(fd(), Interest::writable);
}

void Connection::on_writable() {
    auto n = socket_.write(pending_.get() + pending_sent_, pending_size_ - pending_sent_);
    if (!n) {
        if (!would_block(n.error())) server_.close(fd());
        return;
    }
    pending_sent_ += static_cast<std::uint32_t>(*n);
    if (pending_sent_ < pending_size_) return;
    pending_.reset();
    if (server_.loop().modify(fd(), Interest::readable)) server_.close(fd());
}

void Connection::on_error() {
    server_.close(fd());
}

}  // namespace

int run_wire_server(const Options& o) {
    LoopGroup group(static_cast<std::size_t>(o.threads));
    if (group.stop_on_signals()) return 1;
    auto listeners = listen_reuse_port(Address::ipv4_loopback(o.port), group.size());
    if (!listeners) {
        std::fprintf(stderr, "%s\n", describe("listen", "", listeners.error()).c_str());
        return 1;
    }
    std::vector<std::unique_ptr<Server>> servers;
    for (std::size_t i = 0; i < group.size(); ++i) {
        servers.push_back(std::make_unique<Server>(group.loop(i), std::move((*listeners)[i])));
    }
    std::fprintf(stderr,
                 "wire echo on port %u, %zu loop(s); per connection: %zu B object + %zu B fd table "
                 "entry + 16 B loop slot\n",
                 o.port, group.size(), sizeof(Connection), sizeof(std::unique_ptr<Connection>));
    group.run();
    return 0;
}

}  // namespace echo_bench
