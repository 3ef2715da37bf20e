// wire:glue
#include "http/detail/server_core.hpp"

#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <optional>
#include <utility>

#include "http/content_type.hpp"
#include "http/detail/server_conn.hpp"
#include "http/detail/worker_pool.hpp"
#include "http/serve_mux.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace wire::http::detail {

Exchange::Exchange(ServerCore& c)
    : core(c),
      fields(c.parse_options().limits.max_fields),
      parser(HeadParser::Kind::request, fields, c.parse_options()) {}

std::string_view Exchange::sniff(std::string_view body) {
    body = body.substr(0, 512);  // the WHATWG algorithm looks at no more than this
    if (!sniff_value.empty() && body == sniff_key) return sniff_value;
    const std::string_view type = detect_content_type(body);  // a static string
    if (body.size() <= sniff_memo_max) {
        sniff_key.assign(body);
        sniff_value = type;
    }
    return type;
}

// ---------------------------------------------------------------- LoopContext

LoopContext::LoopContext(ServerCore& c, net::EventLoop& l, net::Listener listener,
                         std::size_t index, std::shared_ptr<net::AcceptBalance> balance)
    : core(c),
      loop(l),
      exchange(c),
      read_buffer(new char[read_buffer_size]),
      listener_(l, std::move(listener), index, std::move(balance)),
      deadline_(&LoopContext::on_deadline, this) {}

LoopContext::~LoopContext() {
    // The loop has stopped: connections are simply freed (their descriptors close).
    while (first_ != nullptr) {
        ServerConn* c = first_;
        first_ = c->list_next;
        delete c;
    }
}

void LoopContext::start() {
    if (auto ec = listener_.start(this)) core.log(net::describe("listen", {}, ec));
}

void LoopContext::on_readable() {
    // Bounded per wake-up, so a flood of connections cannot starve the loop's requests (and,
    // with a shared listener, so that the other loops get their share: net/loop_listener.hpp).
    std::size_t accepted = 0;
    while (accepted < listener_.batch()) {
        auto socket = accept_one();
        if (!socket) break;
        ++accepted;
        // A loop given more than its share passes the connection on (net/accept_balance.hpp);
        // in a shutdown every loop serves what it took.
        const std::size_t owner = listener_.assign();
        if (owner == listener_.index() || !core.hand_off(owner, *socket)) serve(std::move(*socket));
    }
    listener_.end_batch(accepted);
}

std::optional<net::Socket> LoopContext::accept_one() {
    if (!listener_.listening()) return std::nullopt;
    if (!core.admit()) {
        // max_connections: stop accepting; a closing connection resumes it.
        listener_.pause();
        return std::nullopt;
    }
    auto socket = listener_.accept();
    if (!socket) {
        core.released();
        // EAGAIN: none left, or another loop took it (a shared listener).
        if (!net::would_block(socket.error())) {
            core.log(net::describe("accept", {}, socket.error()));
        }
        return std::nullopt;
    }
    return std::move(*socket);
}

void LoopContext::take_waiting() {
    // The accept queue is bounded by the listen backlog; this bound only stops a flood of new
    // connections from holding the loop for ever.
    for (std::size_t i = 0; i < max_taken_at_shutdown; ++i) {
        auto socket = accept_one();
        if (!socket) return;
        serve(std::move(*socket));  // here: the other loops are stopping too
    }
}

ServerConn* LoopContext::serve(net::Socket socket) {
    (void)socket.set_no_delay(true);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    (void)::getpeername(socket.fd(), reinterpret_cast<sockaddr*>(&ss), &len);
    const int fd = socket.release();
    auto* c = new ServerConn(*this, fd, PeerAddress::from(ss));
    link(c);
    if (loop.add(fd, net::Interest::readable, c)) {
        c->close_now();
        return nullptr;
    }
    // Only the loop reads it from now on (a worker or a hijacker gets what it received first).
    loop.receive_ahead(fd);
    c->arm_first_request_timer();
    return c;
}

void LoopContext::expect() noexcept {
    incoming_.fetch_add(1);
}

void LoopContext::adopt(net::Socket socket) {
    incoming_.fetch_sub(1);
    ServerConn* c = serve(std::move(socket));
    // Passed on before this loop began its shutdown and arrived after: the connection is
    // treated as those taken from the accept queue then.
    if (c != nullptr && closing_ && c->idle()) c->close_when_quiet();
    maybe_done();
}

void LoopContext::not_coming() noexcept {
    incoming_.fetch_sub(1);
    maybe_done();
}

void LoopContext::link(ServerConn* c) noexcept {
    c->list_prev = nullptr;
    c->list_next = first_;
    if (first_ != nullptr) first_->list_prev = c;
    first_ = c;
    ++count_;
}

void LoopContext::unlink(ServerConn* c) noexcept {
    if (c->list_prev != nullptr) c->list_prev->list_next = c->list_next;
    if (c->list_next != nullptr) c->list_next->list_prev = c->list_prev;
    if (first_ == c) first_ = c->list_next;
    c->list_prev = c->list_next = nullptr;
    --count_;
    core.released();
    resume_accepting();
    if (core.shutting_down()) maybe_done();
}

void LoopContext::resume_accepting() {
    listener_.resume();
}

void LoopContext::stop_listening() {
    closing_ = true;
    listener_.close();
}

void LoopContext::begin_shutdown(std::chrono::steady_clock::time_point deadline) {
    // Connections the kernel has completed but no loop accepted yet would be reset with the
    // listener, though their clients may have sent a request already: take them first.
    take_waiting();
    stop_listening();
    loop.arm(deadline_, deadline);
    // Idle connections close once quiet (Server::shutdown_idle_grace); the others close after
    // their current response, which says "Connection: close".
    for (ServerConn* c = first_; c != nullptr;) {
        ServerConn* next = c->list_next;
        if (c->idle()) c->close_when_quiet();
        c = next;
    }
    maybe_done();
}

void LoopContext::on_deadline(net::Timer&, void* self) {
    auto* ctx = static_cast<LoopContext*>(self);
    ctx->close_all();
    ctx->core.expire_holds();
}

void LoopContext::close_all() {
    stop_listening();
    for (ServerConn* c = first_; c != nullptr;) {
        ServerConn* next = c->list_next;
        c->abort();
        c = next;
    }
    maybe_done();
}

void LoopContext::maybe_done() {
    // Finished: no longer accepting, no connection left, none on its way from another loop.
    if (!closing_ || count_ != 0 || incoming_.load() != 0 || reported_done_) return;
    reported_done_ = true;
    // The deadline timer stays armed: shutdown hooks may still hold the loops (expire_holds).
    core.loop_done();
}

// ---------------------------------------------------------------- ServerCore

ServerCore::ServerCore(Server& config) : config_(config) {
    link_->core = this;
}

ServerCore::~ServerCore() {
    close();
    std::lock_guard lock(link_->mu);  // waits for a done() running now
    link_->core = nullptr;
}

void ServerCore::log(std::string_view line) const {
    if (config_.log) {
        config_.log(line);
        return;
    }
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

net::Result<void> ServerCore::listen() {
    if (closed_.load() || shutting_down()) return ServerError::server_closed;
    auto address = net::Address::resolve(config_.addr);
    if (!address) return net::op_error("listen", config_.addr, address.error());
    const std::size_t loops =
        config_.loops == 0 ? std::max(1u, std::thread::hardware_concurrency()) : config_.loops;
    net::ListenOptions options;
    // One socket that every loop accepts from, unless the caller opted in to SO_REUSEPORT.
    auto listeners = config_.reuse_port ? net::listen_reuse_port(address->front(), loops, options)
                                        : net::listen_shared(address->front(), loops, options);
    if (!listeners) return listeners.error();
    listeners_ = std::move(*listeners);
    // Loops sharing one socket share the count of what each was given.
    balance_.reset();
    if (!config_.reuse_port && listeners_.size() > 1) {
        balance_ = std::make_shared<net::AcceptBalance>(listeners_.size());
    }
    address_ = listeners_.front().address();
    return {};
}

net::Result<void> ServerCore::serve() {
    if (listeners_.empty() && !closed_.load() && !shutting_down()) {
        if (auto r = listen(); !r) return r;
    }
    options_.limits = config_.limits;
    options_.limits.max_head_bytes = config_.max_header_bytes;
    handler_ = config_.handler;
    // A null handler serves the default mux (Go's DefaultServeMux); it lives forever.
    if (!handler_) handler_ = HandlerPtr(&default_serve_mux(), [](Handler*) {});
    {
        // close() and shutdown() may run on other threads: they see the loops all or nothing.
        std::lock_guard lock(mu_);
        if (closed_.load() || shutting_down() || listeners_.empty()) {
            listeners_.clear();
            return ServerError::server_closed;
        }
        group_ = std::make_unique<net::LoopGroup>(listeners_.size(), config_.loop_backend);
        for (std::size_t i = 0; i < group_->size(); ++i)
            group_->loop(i).set_busy_poll(config_.busy_poll);
        for (std::size_t i = 0; i < listeners_.size(); ++i) {
            loops_.push_back(std::make_unique<LoopContext>(*this, group_->loop(i),
                                                           std::move(listeners_[i]), i, balance_));
        }
        listeners_.clear();
        if (signals_) {
            (void)group_->loop(0).handle_signals({SIGINT, SIGTERM}, [this](int) {
                begin_shutdown(std::chrono::steady_clock::now() + grace_);
            });
        }
        // Why after the signals: threads inherit the signal mask, and a worker started before
        // SIGINT/SIGTERM were blocked would take the signal's default action (kill the process).
        if (config_.worker_threads > 0) {
            pool_ = std::make_unique<WorkerPool>(*this, config_.worker_threads);
        }
        for (auto& ctx : loops_) {
            ctx->loop.post([c = ctx.get()] { c->start(); });
        }
        serving_ = true;
    }
    log("listening on http://" + address_.to_string());
    group_->run();
    pool_.reset();  // joins the workers
    {
        std::lock_guard lock(mu_);
        serving_ = false;
    }
    cv_.notify_all();
    return ServerError::server_closed;
}

bool ServerCore::hand_off(std::size_t loop, net::Socket& socket) {
    LoopContext* to = loops_[loop].get();
    // Counted before the shutdown flag is read (both sequentially consistent). A loop in
    // shutdown reports itself finished only when nothing is on its way to it, so either it sees
    // this count and waits for the connection, or this loop sees the shutdown and keeps it.
    to->expect();
    if (shutting_down_.load()) {
        to->loop.post([to] { to->not_coming(); });
        return false;
    }
    // A posted task must be copyable, so the socket travels in a shared_ptr: should the loop
    // stop before the task runs, the socket closes with it.
    auto moving = std::make_shared<net::Socket>(std::move(socket));
    to->loop.post([to, moving] { to->adopt(std::move(*moving)); });
    return true;
}

bool ServerCore::admit() noexcept {
    const std::size_t now = open_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (config_.max_connections != 0 && now > config_.max_connections) {
        open_.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    return true;
}

void ServerCore::released() noexcept {
    open_.fetch_sub(1, std::memory_order_relaxed);
}

void ServerCore::begin_shutdown(std::chrono::steady_clock::time_point deadline) {
    if (shutting_down_.exchange(true)) return;
    std::vector<ShutdownHook> hooks;
    {
        std::lock_guard lock(mu_);
        hooks.swap(hooks_);
        // Counted before any loop can report done, so none stops the group under a hook.
        holds_ = hooks.size();
        if (!serving_) listeners_.clear();
        for (auto& ctx : loops_) {
            ctx->loop.post([c = ctx.get(), deadline] { c->begin_shutdown(deadline); });
        }
    }
    for (auto& hook : hooks) {
        // Each done counts once however often it is called; it reaches the core through the
        // link, since it may run after the deadline, when the Server may be gone.
        hook([link = link_, once = std::make_shared<std::atomic<bool>>(false)] {
            if (once->exchange(true)) return;
            std::lock_guard lock(link->mu);
            if (link->core != nullptr) link->core->release_hold();
        });
    }
}

void ServerCore::loop_done() {
    std::lock_guard lock(mu_);
    ++loops_done_;
    stop_if_finished();
}

void ServerCore::release_hold() {
    std::lock_guard lock(mu_);
    if (holds_expired_ || holds_ == 0) return;
    --holds_;
    stop_if_finished();
}

void ServerCore::expire_holds() {
    std::lock_guard lock(mu_);
    holds_expired_ = true;
    holds_ = 0;
    stop_if_finished();
}

void ServerCore::stop_if_finished() {
    if (group_ && loops_done_ == loops_.size() && holds_ == 0) group_->stop();
}

net::Result<void> ServerCore::shutdown(std::chrono::steady_clock::time_point deadline) {
    begin_shutdown(deadline);
    std::unique_lock lock(mu_);
    // The loops close what is left at the deadline; a little slack lets them report it.
    const bool done =
        cv_.wait_until(lock, deadline + std::chrono::seconds(1), [&] { return !serving_; });
    if (!done || std::chrono::steady_clock::now() > deadline) return net::Error::timeout;
    return {};
}

void ServerCore::close() {
    std::unique_lock lock(mu_);
    closed_.store(true);
    shutting_down_.store(true);
    if (!serving_) listeners_.clear();
    for (auto& ctx : loops_) {
        ctx->loop.post([c = ctx.get()] {
            c->close_all();
            c->loop.stop();
        });
    }
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return !serving_; });
}

void ServerCore::register_on_shutdown(std::function<void()> hook) {
    register_on_shutdown_wait([hook = std::move(hook)](std::function<void()> done) {
        hook();
        done();
    });
}

void ServerCore::register_on_shutdown_wait(ShutdownHook hook) {
    std::lock_guard lock(mu_);
    hooks_.push_back(std::move(hook));
}

void ServerCore::shutdown_on_signals(Server::Duration grace) {
    signals_ = true;
    grace_ = grace;
}

}  // namespace wire::http::detail
