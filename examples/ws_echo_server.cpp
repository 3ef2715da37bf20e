// ws_echo_server: a WebSocket server on the blocking Conn, the shape of gorilla's echo example.
// `/` echoes every message to its sender; `/broadcast` sends every message to every open
// /broadcast connection, sender included (the bench kit's server contract,
// ../shared/bench/README.md).
//
// Each connection runs the same blocking code (upgrade, then read_message / write_message in a
// loop) in one of two ways:
//  - by default on a fiber (net/fiber.hpp), as a goroutine does in Go: one event loop per CPU the
//    process may use (SO_REUSEPORT listeners, an acceptor fiber on each), and a Conn that would
//    block parks its fiber on the loop instead of putting a thread to sleep in the kernel;
//  - with --threads, on a thread per connection, the seeds' model: simplest, but every message
//    wakes a kernel thread (ppoll + recvfrom + sendmsg, and a trip through the scheduler).
//
//   build/examples/ws_echo_server --port 8090 [--threads] [--loops N] [--busy-poll US]
//
// --busy-poll US keeps each loop awake up to US microseconds after a busy pass
// (EventLoop::set_busy_poll; docs/performance.md says when that pays). Fibers only.
#include <sched.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "net/error.hpp"
#include "net/fiber.hpp"
#include "net/listener.hpp"
#include "net/loop_group.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;

namespace {

// The /broadcast room: each member's writes are serialized by its own mutex, since several
// reader threads write to it (the Conn allows one writer at a time).
struct Member {
    websocket::Conn conn;
    std::mutex write_mu;
};

class Room {
  public:
    void join(Member* m) {
        std::lock_guard lock(mu_);
        members_.insert(m);
    }
    void leave(Member* m) {
        std::lock_guard lock(mu_);
        members_.erase(m);
    }
    void send(websocket::Opcode type, std::span<const std::uint8_t> data) {
        std::lock_guard lock(mu_);  // members stay alive while listed
        for (Member* m : members_) {
            std::lock_guard write(m->write_mu);
            (void)m->conn.write_message(type, data);
        }
    }

  private:
    std::mutex mu_;
    std::set<Member*> members_;
};

Room room;

void echo(websocket::Conn& conn) {
    for (;;) {
        auto msg = conn.read_message();
        if (!msg) break;
        if (!conn.write_message(msg->type, msg->data)) break;
    }
}

void broadcast(websocket::Conn conn) {
    Member me{std::move(conn), {}};
    room.join(&me);
    for (;;) {
        auto msg = me.conn.read_message();
        if (!msg) break;
        room.send(msg->type, msg->data);
    }
    room.leave(&me);
    std::lock_guard write(me.write_mu);
    (void)me.conn.close(websocket::close_code::normal, "", std::chrono::seconds(1));
}

void serve(net::Socket socket) {
    (void)socket.set_no_delay(true);
    websocket::Upgrader upgrader;
    upgrader.handshake_timeout = std::chrono::seconds(10);
    std::string target;
    auto conn = upgrader.upgrade_connection(net::Conn(std::move(socket)), &target);
    if (!conn) return;
    if (target == "/broadcast") {
        // The Room serializes writes with std::mutex, held while a write blocks. On a fiber that
        // write parks, and another fiber of the same loop that wants the mutex would block the
        // loop's thread, the only one that can resume the first: a deadlock. Broadcast members
        // therefore get a thread each, even in fiber mode (a Conn may change hands so).
        if (net::Fiber::current() != nullptr) {
            std::thread(broadcast, std::move(*conn)).detach();
        } else {
            broadcast(std::move(*conn));
        }
        return;
    }
    echo(*conn);
    (void)conn->close(websocket::close_code::normal, "", std::chrono::seconds(1));
}

// The CPUs this process may run on (taskset, cgroup cpusets), as Go sizes GOMAXPROCS: one loop
// each. (LoopGroup's default counts every CPU of the machine.)
std::size_t usable_cpus() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return static_cast<std::size_t>(CPU_COUNT(&set));
}

// A thread accepts and starts a thread per connection; `group`'s one loop only waits for SIGINT
// or SIGTERM, which end the process with status 0.
int serve_threads(net::Listener& listener, net::LoopGroup& group) {
    std::thread([&listener] {
        for (;;) {
            auto socket = listener.accept_wait();
            if (!socket) continue;  // EMFILE and friends: the listener already shed the connection
            std::thread(serve, std::move(*socket)).detach();
        }
    }).detach();
    group.run();  // until SIGINT or SIGTERM
    // The connection threads are still in their reads; end the process without waiting for them.
    std::fflush(stdout);
    std::_Exit(0);
}

// One loop per CPU, each with its own listener on the port (SO_REUSEPORT) and an acceptor fiber
// that starts a fiber per connection on the same loop: no hand-off between threads.
int serve_fibers(std::vector<net::Listener>& listeners, net::LoopGroup& group) {
    for (std::size_t i = 0; i < group.size(); ++i) {
        net::EventLoop& loop = group.loop(i);
        net::go(loop, [&loop, &listener = listeners[i]] {
            for (;;) {
                auto socket = listener.accept_wait();  // parks this fiber, not the thread
                if (!socket) continue;
                net::go(loop, [s = std::make_shared<net::Socket>(std::move(*socket))] {
                    serve(std::move(*s));
                });
            }
        });
    }
    group.run();  // until SIGINT or SIGTERM
    // The connection fibers are still parked in their reads. Like a Go program returning from
    // main, we end the process without unwinding them (their stacks are not scanned by
    // LeakSanitizer, which would report what they hold).
    std::fflush(stdout);
    std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8090";
    bool threads = false;
    std::size_t loops = usable_cpus();
    long busy_poll_us = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--threads") == 0) threads = true;
        if (i + 1 < argc && std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
        if (i + 1 < argc && std::strcmp(argv[i], "--loops") == 0) {
            loops = std::strtoul(argv[i + 1], nullptr, 10);
        }
        if (i + 1 < argc && std::strcmp(argv[i], "--busy-poll") == 0)
            busy_poll_us = std::atol(argv[i + 1]);
    }
    std::signal(SIGPIPE, SIG_IGN);
    net::LoopGroup group(threads ? 1 : loops);  // with --threads, only for the signals
    // SIGINT and SIGTERM end the process with status 0. Before any thread starts (they inherit the
    // blocked signals) and before "listening on", after which a signal may come at any time.
    (void)group.stop_on_signals();
    for (std::size_t i = 0; i < group.size(); ++i)
        group.loop(i).set_busy_poll(std::chrono::microseconds(busy_poll_us));
    auto address = net::Address::resolve("127.0.0.1:" + port);
    auto listeners = address ? net::listen_shared(address->front(), threads ? 1 : group.size())
                             : net::Result<std::vector<net::Listener>>(address.error());
    if (!listeners) {
        // e.g. "listen 127.0.0.1:8090: address already in use"
        std::fprintf(stderr, "ws_echo_server: %s\n",
                     net::describe("listen", "127.0.0.1:" + port, listeners.error()).c_str());
        return 1;
    }
    std::printf("listening on ws://%s/ (%s)\n", listeners->front().address().to_string().c_str(),
                threads ? "a thread per connection" : "a fiber per connection");
    std::fflush(stdout);
    if (threads) return serve_threads(listeners->front(), group);
    return serve_fibers(*listeners, group);
}
