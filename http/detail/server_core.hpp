// The server's machinery behind http/server.hpp: one LoopContext per event loop (its listener,
// its connections, its shared buffers), the Exchange that runs one request at a time on a
// thread, and ServerCore that starts, shuts down and closes it all.
// wire:glue
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "http/date.hpp"
#include "http/detail/body_source.hpp"
#include "http/detail/response_impl.hpp"
#include "http/detail/server_conn.hpp"
#include "http/field.hpp"
#include "http/parser.hpp"
#include "http/request.hpp"
#include "http/serializer.hpp"
#include "http/server.hpp"
#include "http/trace.hpp"
#include "net/accept_balance.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"
#include "net/loop_group.hpp"
#include "net/loop_listener.hpp"
#include "net/socket.hpp"
#include "net/timer.hpp"

namespace wire::http::detail {

class ServerCore;
class ServerConn;
class WorkerPool;

// Everything one request needs while its handler runs, owned by the thread that runs it (a loop
// or a worker) and reused for every request there: nothing here is allocated per request. It is
// also the request body's source: the raw bytes after the head, then more from the socket.
struct Exchange final : BodySource {
    explicit Exchange(ServerCore& core);
    ServerCore& core;
    std::vector<Field> fields;  // the parser's field array
    HeadParser parser;
    Request request;
    ResponseImpl response;
    Serializer out;  // the responses of one batch, sent with one write
    DateCache date;
    char remote[64] = {};  // the formatted remote address of the current request
    std::string_view remote_text;
    PeerAddress remote_of;  // whose address `remote` holds (pipelined requests reuse it)

    // detect_content_type for a response body, remembering the last small body it saw: servers
    // answer the same short bodies over and over (health checks, fixed JSON), and sniffing
    // walks dozens of signatures. Bodies up to sniff_memo_max bytes are remembered.
    std::string_view sniff(std::string_view body);
    static constexpr std::size_t sniff_memo_max = 64;
    std::string sniff_key;
    std::string_view sniff_value;

    // The body source. `window` is the received bytes after the head; when the handler reads
    // past them they move to `body_in` (moved = true) and more are read from the socket.
    ServerConn* conn = nullptr;
    std::string_view window;
    std::size_t raw_pos = 0;
    std::string body_in;
    bool moved = false;
    bool nonblocking = false;  // after the handler: use what is buffered, never wait

    std::string_view available() noexcept override { return window.substr(raw_pos); }
    void consume(std::size_t n) noexcept override { raw_pos += n; }
    std::error_code fill() override;
    void on_first_read() override;
};

// One event loop's share of the server. It is the listener's IoHandler (accepting) and owns
// the loop's connections, kept on an intrusive list.
class LoopContext final : public net::IoHandler {
  public:
    // Loop number `index`; `balance` is shared by loops that share one socket, else null.
    LoopContext(ServerCore& core, net::EventLoop& loop, net::Listener listener, std::size_t index,
                std::shared_ptr<net::AcceptBalance> balance);
    ~LoopContext();

    void start();  // on the loop thread: registers the listener
    void on_readable() override;
    void on_error() override {}

    void link(ServerConn* c) noexcept;
    void unlink(ServerConn* c) noexcept;
    void begin_shutdown(std::chrono::steady_clock::time_point deadline);
    void close_all();
    void maybe_done();  // in shutdown: reports this loop finished when it has no connections
    void resume_accepting();
    // Loop thread: this loop has begun its shutdown (or closed); it accepts no more.
    [[nodiscard]] bool closing() const noexcept { return closing_; }
    // A connection another loop accepted is passed on (ServerCore::hand_off): expect(), on the
    // other loop's thread, then on this loop's thread either adopt() with it, or not_coming().
    void expect() noexcept;
    void adopt(net::Socket socket);
    void not_coming() noexcept;

    ServerCore& core;
    net::EventLoop& loop;
    Exchange exchange;
    std::unique_ptr<char[]> read_buffer;  // shared by every connection of this loop
    static constexpr std::size_t read_buffer_size = 64 * 1024;

  private:
    static void on_deadline(net::Timer&, void* self);
    // One connection from the listener, counted against max_connections; none when the queue
    // is empty, the limit is reached (the listener pauses) or accept failed (logged).
    std::optional<net::Socket> accept_one();
    // At shutdown: the connections waiting in the accept queue, served by this loop.
    void take_waiting();
    static constexpr std::size_t max_taken_at_shutdown = 64 * 1024;
    void stop_listening();
    ServerConn* serve(net::Socket socket);  // a new connection of this loop (null: closed)

    net::LoopListener listener_;
    ServerConn* first_ = nullptr;
    std::size_t count_ = 0;
    net::Timer deadline_;
    bool closing_ = false;                  // stopped accepting
    std::atomic<std::size_t> incoming_{0};  // connections other loops are passing on to this one
    bool reported_done_ = false;
};

// How a register_on_shutdown_wait hook's `done` reaches the server. It may be called after the
// deadline, when the Server may be gone, so it goes through this link, cut by ~ServerCore.
struct ShutdownLink {
    std::mutex mu;
    ServerCore* core = nullptr;  // guarded by mu
};

class ServerCore {
  public:
    using ShutdownHook = std::function<void(std::function<void()> done)>;

    explicit ServerCore(Server& config);
    ~ServerCore();

    const Server& config() const noexcept { return config_; }
    Handler& handler() const noexcept { return *handler_; }
    const ParseOptions& parse_options() const noexcept { return options_; }
    WorkerPool* pool() const noexcept { return pool_.get(); }

    net::Result<void> listen();
    net::Result<void> serve();
    net::Result<void> shutdown(std::chrono::steady_clock::time_point deadline);
    void begin_shutdown(std::chrono::steady_clock::time_point deadline);
    void close();
    void register_on_shutdown(std::function<void()> hook);
    void register_on_shutdown_wait(ShutdownHook hook);
    void shutdown_on_signals(Server::Duration grace);
    net::Address address() const { return address_; }

    // From loop thread to loop thread: `socket` was accepted by one loop for loop `loop`. It is
    // taken, unless the server is shutting down (false): the loop that accepted it serves it.
    bool hand_off(std::size_t loop, net::Socket& socket);

    // Connection accounting (every loop), for max_connections and shutdown.
    bool admit() noexcept;  // false at max_connections
    void released() noexcept;
    std::size_t open() const noexcept { return open_.load(std::memory_order_relaxed); }
    bool shutting_down() const noexcept { return shutting_down_.load(std::memory_order_acquire); }
    void loop_done();     // a loop in shutdown has no connections left
    void release_hold();  // a register_on_shutdown_wait hook called done
    void expire_holds();  // the shutdown deadline passed: stop waiting for the hooks
    void log(std::string_view line) const;
    // Trace mode (Server::trace). Call sites test tracing() first, so that when it is off the
    // view of the head is not even computed: one load and one predictable branch.
    [[nodiscard]] bool tracing() const noexcept { return static_cast<bool>(config_.trace); }
    void trace(std::string_view raw_head, Direction dir) const noexcept {
        trace_head(config_.trace, raw_head, dir);
    }

  private:
    void stop_if_finished();  // mu_ held: stops the loops once shutdown has nothing to wait for

    Server& config_;
    HandlerPtr handler_;
    ParseOptions options_;
    std::vector<net::Listener> listeners_;
    std::shared_ptr<net::AcceptBalance> balance_;  // when listeners_ are one shared socket
    net::Address address_;
    std::unique_ptr<net::LoopGroup> group_;
    std::vector<std::unique_ptr<LoopContext>> loops_;
    std::unique_ptr<WorkerPool> pool_;
    std::atomic<std::size_t> open_{0};
    std::atomic<bool> shutting_down_{false};
    std::atomic<bool> closed_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    std::size_t loops_done_ = 0;  // guarded by mu_
    bool serving_ = false;        // guarded by mu_
    // The shutdown hooks; register_on_shutdown's are wrapped to call done at once.
    std::vector<ShutdownHook> hooks_;  // guarded by mu_
    // The loops stop when every loop is done and no hook holds them (holds_ == 0).
    std::size_t holds_ = 0;       // guarded by mu_
    bool holds_expired_ = false;  // guarded by mu_
    std::shared_ptr<ShutdownLink> link_ = std::make_shared<ShutdownLink>();
    bool signals_ = false;
    Server::Duration grace_{};
};

}  // namespace wire::http::detail
