// WebSocketServer: accepting and the opening handshake on the loop (RFC 6455 §4.2).
// wire:glue
#include "websocket/ws_server.hpp"

#include <array>
#include <csignal>
#include <cstring>
#include <memory>

#include "http/parser.hpp"
#include "net/accept_balance.hpp"
#include "net/error.hpp"
#include "net/listener.hpp"
#include "net/loop_listener.hpp"
#include "net/timer.hpp"
#include "websocket/detail/fields.hpp"
#include "websocket/handshake.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

namespace {

class Pending;

// A refusal before the handshake checks: no route, or a request head too large or malformed.
std::string plain_refusal(int status, std::string_view body) {
    HandshakeCheck check;
    check.error = make_error_code(Error::handshake_bad_method);
    check.status = status;
    check.body = body;
    return format_error_response(check);
}

}  // namespace

// One per loop: its listener and the connections still in their handshake (indexed by fd).
struct WebSocketServer::Acceptor final : net::IoHandler {
    Acceptor(WebSocketServer& s, net::EventLoop& l, net::Listener li, std::size_t index,
             std::shared_ptr<net::AcceptBalance> balance)
        : server(s), loop(l), listener(l, std::move(li), index, std::move(balance)) {}
    ~Acceptor() { close_all(); }
    void on_readable() override;
    void on_error() override {}
    void start_handshake(net::Socket s);
    // Any loop thread: a connection another loop accepted for this one (net/accept_balance.hpp).
    void hand_over(net::Socket s);
    void drop(int fd);
    void close_all();

    WebSocketServer& server;
    net::EventLoop& loop;
    net::LoopListener listener;
    std::vector<std::unique_ptr<Pending>> pending;
    bool closed = false;  // loop thread: stopped accepting
};

namespace {

// A connection between accept and its 101: reads the upgrade request into a small buffer of its
// own (the one moment a connection has one), answers, then hands the socket to the Engine.
class Pending final : public net::IoHandler {
  public:
    Pending(WebSocketServer::Acceptor& a, net::Socket s)
        : acceptor_(a),
          socket_(std::move(s)),
          timer_(
              [](net::Timer&, void* me) {
                  auto* p = static_cast<Pending*>(me);
                  p->acceptor_.drop(p->socket_.fd());  // handshake timeout
              },
              this) {}
    int fd() const noexcept { return socket_.fd(); }
    net::Timer& timer() noexcept { return timer_; }
    void on_readable() override;
    void on_error() override { acceptor_.drop(fd()); }

  private:
    void answer(const http::MessageHead& head, std::size_t consumed);
    void refuse(std::string_view response);

    WebSocketServer::Acceptor& acceptor_;
    net::Socket socket_;
    net::Timer timer_;
    std::string buf_;
};

void Pending::on_readable() {
    const std::size_t max = acceptor_.server.options().max_request_bytes;
    const std::size_t old = buf_.size();
    buf_.resize(max);
    auto n = socket_.read(buf_.data() + old, max - old);
    buf_.resize(old + (n ? *n : 0));
    if (!n && net::would_block(n.error())) return;
    if (!n || *n == 0) return acceptor_.drop(fd());
    std::array<http::Field, 64> fields;
    http::HeadParser parser(http::HeadParser::Kind::request, fields);
    const auto r = parser.parse(buf_);
    if (r.need_more()) {
        if (buf_.size() < max) return;
        return refuse(plain_refusal(431, "request head too large\n"));
    }
    if (r.failed()) {
        http::trace_head(acceptor_.server.options().trace, buf_, Direction::received);
        return refuse(plain_refusal(400, "malformed request\n"));
    }
    http::trace_head(acceptor_.server.options().trace, {buf_.data(), r.consumed},
                     Direction::received);
    answer(parser.head(), r.consumed);
}

void Pending::refuse(std::string_view response) {
    http::trace_head(acceptor_.server.options().trace, response, Direction::sent);
    (void)socket_.write(response);  // best effort: a short answer on a fresh socket
    acceptor_.drop(fd());
}

// RFC 6455 §4.2.2: route, admission, handshake checks, 101; then the Engine takes over.
void Pending::answer(const http::MessageHead& head, std::size_t consumed) {
    WebSocketServer& server = acceptor_.server;
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    const Endpoint* endpoint = server.route_for(path);
    if (endpoint == nullptr) {
        return refuse(plain_refusal(404, "no WebSocket route here\n"));
    }
    detail::JoinedUpgradeLists lists;
    const UpgradeRequest req =
        detail::upgrade_request_of(head.method, head.version_minor, head.host, head.fields, lists);
    UpgradeResponse resp;
    ServerHandshakeOptions hs;
    if (endpoint->options.enable_compression) hs.compression = &endpoint->options.compression;
    HandshakeCheck check = accept_upgrade(req, hs, resp);
    if (check.ok() && server.options().check_same_origin && !is_same_origin(req.origin, req.host)) {
        check = handshake_failure(Error::handshake_bad_origin);
    }
    if (!check.ok()) return refuse(format_error_response(check));
    // Admission: refuse before the connection costs anything (503 + Retry-After).
    if (!server.engine().reserve()) {
        server.engine().count_refused(acceptor_.loop);
        return refuse(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
            "Content-Length: 19\r\nConnection: close\r\n\r\nserver at capacity\n");
    }
    const std::string response = format_upgrade_response(resp);
    trace_accept(server.options().trace, req.key, Direction::sent);
    http::trace_head(server.options().trace, response, Direction::sent);
    auto w = socket_.write(response);
    if (!w || *w != response.size()) {
        server.engine().unreserve();
        return acceptor_.drop(fd());
    }
    // Hand over: what follows the request head is the first frame bytes.
    net::Socket socket = std::move(socket_);
    const std::string rest = buf_.substr(consumed);
    WebSocketServer::Acceptor& acceptor = acceptor_;
    const int fd = socket.fd();
    acceptor.pending[static_cast<std::size_t>(fd)].reset();  // deletes this: locals only below
    std::optional<DeflateParams> deflate;
    if (resp.deflate) deflate = resp.deflate_params;
    // The socket stays registered with the loop as it was for the handshake: the connection
    // takes the registration over (no remove and add again).
    (void)server.engine().adopt(acceptor.loop, std::move(socket),
                                {reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()},
                                *endpoint, true, deflate, true);
}

}  // namespace

void WebSocketServer::Acceptor::on_readable() {
    // Bounded per wake-up: the loop's other work goes on, and other loops sharing the listener
    // get their share of a burst.
    std::size_t accepted = 0;
    while (accepted < listener.batch()) {
        auto s = listener.accept();
        // EAGAIN (none left, or another loop took it), or a connection shed on EMFILE.
        if (!s) break;
        ++accepted;
        // A loop given more than its share passes the connection on.
        const std::size_t owner = listener.assign();
        if (owner == listener.index()) {
            start_handshake(std::move(*s));
        } else {
            server.acceptors_[owner]->hand_over(std::move(*s));
        }
    }
    listener.end_batch(accepted);
}

void WebSocketServer::Acceptor::start_handshake(net::Socket s) {
    const auto fd = static_cast<std::size_t>(s.fd());
    if (fd >= pending.size()) pending.resize(fd + 1 + fd / 2);
    pending[fd] = std::make_unique<Pending>(*this, std::move(s));
    if (loop.add(static_cast<int>(fd), net::Interest::readable, pending[fd].get())) {
        pending[fd].reset();
        return;
    }
    const auto timeout = server.options().handshake_timeout;
    if (timeout > timeout.zero()) loop.arm_after(pending[fd]->timer(), timeout);
}

void WebSocketServer::Acceptor::hand_over(net::Socket s) {
    // A posted task must be copyable, so the socket travels in a shared_ptr: should the loop
    // stop before the task runs, the socket closes with it.
    auto moving = std::make_shared<net::Socket>(std::move(s));
    loop.post([this, moving] {
        // Passed on after this loop stopped accepting (a shutdown): dropped, as connections
        // still in the accept queue are.
        if (!closed) start_handshake(std::move(*moving));
    });
}

void WebSocketServer::Acceptor::drop(int fd) {
    (void)loop.remove(fd);
    pending[static_cast<std::size_t>(fd)].reset();
}

void WebSocketServer::Acceptor::close_all() {
    closed = true;
    listener.close();
    for (auto& p : pending) {
        if (!p) continue;
        (void)loop.remove(p->fd());
        p.reset();
    }
}

WebSocketServer::WebSocketServer(ServerOptions options)
    : options_(options), group_(options.loops, options.loop_backend) {
    for (std::size_t i = 0; i < group_.size(); ++i)
        group_.loop(i).set_busy_poll(options_.busy_poll);
    engine_ = std::make_unique<Engine>(group_, options_.admission);
}

WebSocketServer::~WebSocketServer() {
    group_.stop();
    group_.wait();
    acceptors_.clear();
    engine_.reset();
}

void WebSocketServer::route(std::string path, Endpoint endpoint) {
    routes_[std::move(path)] = std::make_unique<Endpoint>(std::move(endpoint));
}

const Endpoint* WebSocketServer::route_for(std::string_view path) const {
    const auto it = routes_.find(path);
    return it == routes_.end() ? nullptr : it->second.get();
}

std::error_code WebSocketServer::listen(std::string_view address) {
    auto addrs = net::Address::resolve(address);
    if (!addrs) return net::op_error("listen", address, addrs.error());
    if (addrs->empty()) return net::op_error("listen", address, net::Error::bad_address);
    // One socket that every loop accepts from, unless the caller opted in to SO_REUSEPORT.
    auto listeners = options_.reuse_port ? net::listen_reuse_port(addrs->front(), group_.size())
                                         : net::listen_shared(addrs->front(), group_.size());
    if (!listeners) return listeners.error();
    port_ = (*listeners)[0].address().port();
    // Loops sharing one socket share the count of what each was given.
    std::shared_ptr<net::AcceptBalance> balance;
    if (!options_.reuse_port && group_.size() > 1) {
        balance = std::make_shared<net::AcceptBalance>(group_.size());
    }
    for (std::size_t i = 0; i < group_.size(); ++i) {
        auto a = std::make_unique<Acceptor>(*this, group_.loop(i), std::move((*listeners)[i]), i,
                                            balance);
        // Before start(), no loop thread runs yet: registering from here is safe.
        if (auto ec = a->listener.start(a.get())) return ec;
        acceptors_.push_back(std::move(a));
    }
    return {};
}

std::error_code WebSocketServer::shutdown_on_signals(std::chrono::steady_clock::duration drain) {
    return group_.loop(0).handle_signals({SIGINT, SIGTERM},
                                         [this, drain](int) { shutdown(drain); });
}

void WebSocketServer::start() {
    group_.start();
}

void WebSocketServer::wait() {
    group_.wait();
}

void WebSocketServer::stop() {
    group_.stop();
}

void WebSocketServer::shutdown(std::chrono::steady_clock::duration drain) {
    // Each loop stops accepting on its own thread; the Engine then closes the connections.
    for (auto& a : acceptors_) {
        Acceptor* acc = a.get();
        acc->loop.post([acc] { acc->close_all(); });
    }
    engine_->shutdown(drain, [this] { group_.stop(); });
}

}  // namespace wire::websocket
