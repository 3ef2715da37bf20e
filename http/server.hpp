// Server: Go's http.Server on wire's epoll event loops.
// wire:glue
//
//   wire::http::handle_func("/", [](wire::http::ResponseWriter& w, wire::http::Request&) {
//       (void)w.write("hello world!\n");  // a failed write means the client left
//   });
//   // nullptr: the default mux. Returns on failure (the port is taken...) or after shutdown.
//   auto served = wire::http::listen_and_serve("127.0.0.1:8080", nullptr);
//   // "listen 127.0.0.1:8080: address already in use", or server_closed after a shutdown
//   if (!served) std::fprintf(stderr, "%s\n", served.error().message().c_str());
//
// The model. `loops` event loops, one thread each, all accepting from one listening socket (the
// kernel wakes one idle loop per new connection; net/loop_listener.hpp). A loop reads, parses,
// runs handlers and writes for its connections. This is nginx's and uWebSockets' shape, not Go's
// goroutine per connection: there is no thread or stack per connection, an idle keep-alive
// connection costs a small object and no buffer, and every response to the requests found in one
// read leaves in one write. The price is that a handler runs on the loop and must not block:
// while it waits, every other connection of that loop waits too. Handlers that block (a database
// call, a file read over NFS, a large upload) belong on worker threads: set `worker_threads`,
// and the loop hands each complete request to a pool, one request per connection at a time,
// taking the response back when the handler returns. Go's model is simpler to program (blocking
// everywhere is fine) and pays for it with a goroutine stack and a buffer per connection.
//
// Timeouts run on the loops' timers. Deviation from Go, where zero means "no timeout" for all of
// them: read_header_timeout and idle_timeout default to finite values, because a server without
// them can be held open forever by clients that dribble or idle (slowloris).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/handler.hpp"
#include "http/limits.hpp"
#include "http/trace.hpp"
#include "net/address.hpp"
#include "net/loop_backend.hpp"
#include "net/result.hpp"

namespace wire::http {

namespace detail {
class ServerCore;
}

// One finished response, for Server::access_log. Views are valid during the call.
struct AccessLogEntry {
    std::string_view remote_addr;
    std::string_view method;
    std::string_view target;
    std::string_view proto;
    int status = 0;
    std::uint64_t bytes = 0;                         // body bytes the handler wrote
    std::chrono::steady_clock::duration duration{};  // head parsed -> response complete
};

struct Server {
    using Duration = std::chrono::steady_clock::duration;

    // "host:port" to listen on (Go's Addr); port 0 picks a free port (see address()).
    std::string addr = "127.0.0.1:8080";
    // What answers requests; null means default_serve_mux().
    HandlerPtr handler;

    // From the first byte of a request to the end of its head (Go's ReadHeaderTimeout).
    Duration read_header_timeout = std::chrono::seconds(10);
    // From the first byte of a request until its body has been read; zero: none.
    Duration read_timeout = Duration::zero();
    // From the end of the request head until the response has been written; zero: none.
    Duration write_timeout = Duration::zero();
    // How long a keep-alive connection may wait for its next request.
    Duration idle_timeout = std::chrono::seconds(60);
    // Shutdown and keep-alive. A client may send its next request just as the server closes the
    // idle connection it reuses; the request then meets a closed connection and is lost unless
    // the client retries it (RFC 9112 §9.3.1). So at shutdown a connection waiting for a request
    // stays open until it has been quiet this long (since its last response, or since it was
    // accepted), and a request that comes meanwhile is answered with "Connection: close". Busy
    // clients send again within milliseconds and are all answered; connections quiet for longer
    // close at once. Zero: every idle connection closes at once.
    Duration shutdown_idle_grace = std::chrono::seconds(1);
    // The whole request head: start line, fields, CRLFs (431 beyond; Go's MaxHeaderBytes).
    // Overrides limits.max_head_bytes.
    std::size_t max_header_bytes = 64 * 1024;
    // Every other limit of the request codec (target length, field count, body size...).
    Limits limits{};
    // Connections open at once; the loops stop accepting while at the limit. 0: no limit.
    std::size_t max_connections = 0;
    // Event loops (threads); 0: one per CPU.
    std::size_t loops = 1;
    // SO_REUSEPORT (net::listen_reuse_port), off by default. Off, listen() fails when any socket
    // holds the port: "listen 127.0.0.1:8080: address already in use", as Go's ListenAndServe
    // and nginx do, so that a second program started on the port cannot quietly take part of
    // this one's connections. On, each loop gets its own socket in a SO_REUSEPORT group and the
    // kernel hashes connections over them; other servers that set it too may join the group.
    // What it is for is what Go programs use ListenConfig.Control for: zero-downtime restarts,
    // where the new process binds the port beside the old one, which then shuts down (its
    // listeners close first; connections still in their accept queues are reset). Only the
    // processes of the same user can join a group.
    bool reuse_port = false;
    // 0: handlers run on the loops (must not block). N > 0: on a pool of N threads.
    std::size_t worker_threads = 0;
    // Busy polling on every loop (net::EventLoop::set_busy_poll): after a busy pass the loop
    // polls up to this long before sleeping. Lowers latency for clients that wait for each
    // answer, at the price of that much CPU per quiet spell. Zero: off.
    std::chrono::microseconds busy_poll{0};
    // What the loops wait on (net/loop_backend.hpp): epoll, io_uring, automatic (io_uring when
    // the kernel offers it), or, by default, what the WIRE_LOOP environment variable says
    // (unset: automatic).
    net::LoopBackend loop_backend = net::LoopBackend::environment;
    // A body up to this size is read before the handler runs, so reading it never blocks.
    std::size_t max_body_preread = 64 * 1024;
    // Response bytes gathered before the head is sent: responses that fit get Content-Length.
    std::size_t response_buffer = 4096;

    // Called after every response (on the thread that ran the handler). Must not block.
    std::function<void(const AccessLogEntry&)> access_log;
    // Where the startup line and errors go; default: standard error.
    std::function<void(std::string_view)> log;
    // Trace mode (http/trace.hpp): every request head received and every response head sent
    // (interim, final, error answers and a 101, never a body) as annotated lines, from the
    // thread that served it. Starts as standard error when WIRE_TRACE is set; empty: off.
    TraceSink trace = default_trace_sink();

    Server();
    ~Server();  // close()
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds `addr` (in the caller, so address() is known at once) and serves until shutdown()
    // or close(); then returns ServerError::server_closed, as Go does. Logs
    // "listening on http://ADDR".
    net::Result<void> listen_and_serve();
    // The two halves: listen() binds; serve() runs the loops and blocks.
    net::Result<void> listen();
    net::Result<void> serve();
    // Serves SIGINT and SIGTERM with shutdown(now + grace). Call before listen_and_serve(), from
    // the main thread before any other thread starts.
    void shutdown_on_signals(Duration grace = std::chrono::seconds(5));

    // The bound address (after listen()).
    [[nodiscard]] net::Address address() const;

    // Graceful: stops accepting, closes idle connections, lets in-flight requests finish, runs
    // the register_on_shutdown hooks, and waits until every connection is gone and every
    // register_on_shutdown_wait hook is done, or `deadline` passes (then closes the rest and
    // returns net::Error::timeout). Any thread.
    net::Result<void> shutdown(std::chrono::steady_clock::time_point deadline);
    net::Result<void> shutdown(Duration timeout) {
        return shutdown(std::chrono::steady_clock::now() + timeout);
    }
    // Abrupt: closes every listener and connection now.
    void close();
    // Go's RegisterOnShutdown: how owners of hijacked and upgraded connections hear of a
    // shutdown (they close their connections themselves). Runs once, on shutdown()'s thread
    // (with shutdown_on_signals, on a loop's thread, which waits for it: return soon).
    void register_on_shutdown(std::function<void()> hook);
    // RegisterOnShutdown for owners whose connections live on the server's loops (a WebSocket
    // Engine: websocket::shutdown_with in websocket/route.hpp). The hook starts its own graceful
    // close and calls `done` once, from any thread, when it has finished. Until every such hook
    // is done the loops keep running, even with no HTTP connection left, and shutdown() waits.
    // At the deadline the server stops waiting: a hook that never calls done cannot hang it, and
    // a done called later (even after the Server is gone) does nothing. Go needs no such thing,
    // since a hijacked connection there has its own goroutine; a Go program waits for its
    // hooks with a sync.WaitGroup after Shutdown returns, and `done` is that WaitGroup's Done.
    void register_on_shutdown_wait(std::function<void(std::function<void()> done)> hook);

    // Open connections right now (all loops), for tests and monitoring.
    [[nodiscard]] std::size_t connection_count() const noexcept;

  private:
    std::unique_ptr<detail::ServerCore> core_;
};

// Go's http.ListenAndServe: a Server on `addr` with `handler` (null: the default mux), closed by
// SIGINT/SIGTERM.
net::Result<void> listen_and_serve(std::string_view addr, HandlerPtr handler);

}  // namespace wire::http
