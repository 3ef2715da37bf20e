// Listener: a listening stream socket (TCP or Unix) that hands out accepted Sockets.
//
// The listening socket is non-blocking, so it fits an event loop: register fd() for readability
// and call accept() until it reports would_block(). accept_wait() serves thread-per-connection
// programs, and on a fiber (net/fiber.hpp) it parks the fiber on the loop instead of blocking the
// thread, so an acceptor can be a fiber too.
//
// Running out of descriptors (EMFILE/ENFILE). With a level-triggered event loop a pending
// connection that cannot be accepted keeps the listener readable forever: a busy loop. We use the
// reserve-descriptor trick (libuv, libev and Go's netpoll do similar): each Listener holds one
// spare descriptor on /dev/null. On EMFILE it closes the spare, accepts the pending connection,
// closes it at once (the client sees the connection end rather than a hang) and reopens the spare.
// The queue shrinks by one per attempt, so the loop always makes progress, and accept() still
// returns the EMFILE error so the server can log it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "net/address.hpp"
#include "net/result.hpp"
#include "net/socket.hpp"

namespace wire::net {

namespace detail {
class PollDesc;
}

struct ListenOptions {
    int backlog = 4096;         // the kernel caps it at net.core.somaxconn
    bool reuse_address = true;  // SO_REUSEADDR: restart at once over connections in TIME_WAIT
    // SO_REUSEPORT: bind a port other sockets hold, if they set it too. Off, a port already
    // held by any socket is an error ("listen 127.0.0.1:8080: address already in use"), as in
    // Go and nginx: two servers on one port would otherwise split its connections, and any
    // process of the same user could take half a server's traffic. See listen_reuse_port().
    bool reuse_port = false;
};

class Listener {
  public:
    Listener() = default;
    Listener(Listener&&) noexcept = default;
    Listener& operator=(Listener&& other) noexcept;
    ~Listener();

    // socket + bind + listen. Port 0 picks a free port; address() reports the real one.
    // Errors name the operation and the address, as Go's do (op_error in net/error.hpp):
    // "listen 127.0.0.1:8080: address already in use"; they still compare equal to their errno
    // condition (`== std::errc::address_in_use`).
    static Result<Listener> listen(const Address& address, const ListenOptions& options = {});
    // "127.0.0.1:8080", ":8080", "localhost:0", resolved; the first address is used.
    static Result<Listener> listen(std::string_view address, const ListenOptions& options = {});

    // Another Listener on the same listening socket (dup(2)): its own descriptor, to be closed
    // on its own, and its own spare for EMFILE, so that another thread can accept from it. The
    // socket stops listening when the last of them closes. See listen_shared().
    Result<Listener> duplicate() const;

    // One accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC: the new Socket is non-blocking.
    // would_block(error) when no connection is waiting. ECONNABORTED (a client that reset
    // before we accepted) is skipped. On EMFILE/ENFILE see above.
    Result<Socket> accept();
    // Blocks (poll) until a connection arrives or `timeout` passes (Error::timeout); a negative
    // timeout waits forever. On a fiber it parks the fiber instead (the fd stays registered
    // with that fiber's loop until close(); the loop must outlive the Listener), and close()
    // from another fiber of that loop ends the wait with Error::closed. (A Listener is not
    // thread-safe: from another thread, stop an acceptor with a timeout and a flag.)
    Result<Socket> accept_wait(std::chrono::milliseconds timeout = std::chrono::milliseconds{-1});

    const Address& address() const noexcept { return address_; }
    int fd() const noexcept { return socket_.fd(); }
    bool valid() const noexcept { return socket_.valid(); }
    std::error_code close() noexcept;

  private:
    void shed_one_connection() noexcept;

    Socket socket_;
    Socket reserve_;  // the spare descriptor for EMFILE (see above)
    Address address_;
    std::shared_ptr<detail::PollDesc> poll_;  // set by the first accept_wait on a fiber
};

// Listeners for `count` event loops on one address, one socket for them all: the first is
// the socket, the others duplicate() it. Each loop registers its own with
// EventLoop::add_exclusive, so that one waiting loop wakes per connection (net/loop_listener.hpp
// does that). The port is held by this process alone: another listen on it fails.
Result<std::vector<Listener>> listen_shared(const Address& address, std::size_t count,
                                            const ListenOptions& options = {});

// `count` sockets on one address with SO_REUSEPORT, one per event loop: the kernel hashes each
// new connection (its addresses and ports) to one of them, and each has its own accept queue.
// With port 0 the first picks the port and the rest bind to it.
//
// The opt-in of ListenOptions::reuse_port, for what Go programs do with ListenConfig.Control:
// zero-downtime restarts, where the new version of a server binds the port while the old one
// still serves, then the old one closes its listeners and drains. The price: every socket of the
// same user that sets SO_REUSEPORT on that address joins the group and gets its share of the
// connections, whatever program it belongs to; and connections waiting in one socket's queue
// when it closes are reset, not handed to the others.
Result<std::vector<Listener>> listen_reuse_port(const Address& address, std::size_t count,
                                                ListenOptions options = {});

}  // namespace wire::net
