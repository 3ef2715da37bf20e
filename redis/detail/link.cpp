// wire:glue
#include "redis/detail/link.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "crypto/random.hpp"
#include "net/address.hpp"
#include "net/error.hpp"
#include "redis/command.hpp"

namespace wire::redis::detail {
namespace {

constexpr std::size_t kFirstBuffer = 16 * 1024;
constexpr std::size_t kMinRoom = 4 * 1024;

std::uint32_t random_seed() {
    std::uint32_t seed = 0;
    std::span<std::uint8_t> bytes(reinterpret_cast<std::uint8_t*>(&seed), sizeof seed);
    if (crypto::fill_random(bytes)) seed = 1;  // jitter only; a fixed seed still backs off
    return seed;
}

}  // namespace

Link::Link(net::EventLoop& loop, Options options, LinkEvents& events)
    : loop_(loop),
      options_(std::move(options)),
      events_(events),
      timer_([](net::Timer&, void* me) { static_cast<Link*>(me)->on_timer(); }, this),
      reader_(options_.limits),
      jitter_(random_seed()),
      down_since_(std::chrono::steady_clock::now()) {}

Link::~Link() {
    if (socket_.valid()) (void)loop_.remove(socket_.fd());
    loop_.cancel(timer_);
    *alive_ = false;
}

void Link::set_state(State s) {
    std::lock_guard g(out_mu_);
    state_ = s;
}

void Link::start() {
    if (state_ != State::idle) return;
    connect();
}

void Link::stop() {
    if (state_ == State::stopped) return;
    if (socket_.valid()) (void)loop_.remove(socket_.fd());
    (void)socket_.close();
    loop_.cancel(timer_);
    {
        std::lock_guard g(out_mu_);
        state_ = State::stopped;
        out_.clear();
        waiting_.clear();
        last_error_ = Error::closed;
    }
    events_.on_lost(Error::closed);
}

// Step 1: a non-blocking connect(2); its outcome arrives as writability (or at once).
void Link::connect() {
    set_state(State::connecting);
    loop_.arm_after(timer_, options_.connect_timeout);
    auto addresses = net::Address::resolve(options_.address);
    if (!addresses) return lose(addresses.error());
    const net::Address& a = addresses->front();
    unix_ = a.is_unix();
    auto sock = net::Socket::open(a.family(), SOCK_STREAM, /*nonblocking=*/true);
    if (!sock) return lose(sock.error());
    socket_ = std::move(*sock);
    int rc;
    do
        rc = ::connect(socket_.fd(), a.sockaddr_ptr(), a.length());
    while (rc != 0 && errno == EINTR);
    if (rc != 0 && errno != EINPROGRESS) return lose(net::last_error());
    if (auto ec = loop_.add(socket_.fd(), net::Interest::writable, this)) return lose(ec);
    write_interest_ = true;
    if (rc == 0) connected();
}

// Step 2: connected; the handshake goes out in one write, its replies come back in order.
void Link::connected() {
    if (!unix_) (void)socket_.set_no_delay(true);  // each command leaves at once
    {
        std::lock_guard g(out_mu_);
        state_ = State::handshake;
        queue_handshake();
    }
    if (waiting_.empty()) return become_ready();
    set_interest();
    flush();
}

void Link::queue_handshake() {
    const bool auth = !options_.username.empty() || !options_.password.empty();
    if (options_.protocol == 3) {
        // HELLO 3 [AUTH user pass] [SETNAME name]: RESP3 and everything else in one command.
        std::string_view args[7] = {"HELLO", "3"};
        std::size_t n = 2;
        if (auth) {
            args[n++] = "AUTH";
            // Both arms as views: "x" : std::string would make a temporary string the view
            // outlives.
            args[n++] = options_.username.empty() ? std::string_view("default")
                                                  : std::string_view(options_.username);
            args[n++] = options_.password;
        }
        if (!options_.client_name.empty()) {
            args[n++] = "SETNAME";
            args[n++] = options_.client_name;
        }
        append_command(out_, std::span<const std::string_view>(args, n));
        waiting_.push_back(Waiter::handshake);
    } else {
        if (auth && options_.username.empty()) {
            append_command(out_, {"AUTH", options_.password});
            waiting_.push_back(Waiter::handshake);
        } else if (auth) {
            append_command(out_, {"AUTH", options_.username, options_.password});
            waiting_.push_back(Waiter::handshake);
        }
        if (!options_.client_name.empty()) {
            append_command(out_, {"CLIENT", "SETNAME", options_.client_name});
            waiting_.push_back(Waiter::handshake);
        }
    }
    if (options_.database != 0) {
        const std::string db = std::to_string(options_.database);
        append_command(out_, {"SELECT", db});
        waiting_.push_back(Waiter::handshake);
    }
}

// Step 3: the last handshake reply arrived: commands may flow, PING keeps watch.
void Link::become_ready() {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard g(out_mu_);
        state_ = State::ready;
        counters_.disconnected += now - down_since_;
        ++counters_.connects;
        if (was_ready_) ++counters_.reconnects;
        // last_error_ stays: it says why the previous connection ended, also after a reconnect.
    }
    was_ready_ = true;
    attempt_ = 0;
    ping_outstanding_ = false;
    loop_.arm_after(timer_, options_.ping_interval);
    events_.on_ready();
    set_interest();
    flush();
}

// Any failure ends here: close, forget the bytes of this connection, tell the owner, wait, retry.
void Link::lose(std::error_code why) {
    if (state_ == State::stopped) return;
    const bool was_up = state_ == State::ready;
    if (socket_.valid()) (void)loop_.remove(socket_.fd());
    (void)socket_.close();
    {
        std::lock_guard g(out_mu_);
        state_ = State::waiting;
        out_.clear();
        waiting_.clear();
        last_error_ = why;
        if (was_up) {
            ++counters_.losses;
            down_since_ = std::chrono::steady_clock::now();
        } else {
            ++counters_.connect_failures;
        }
    }
    sending_.clear();
    sent_ = 0;
    in_len_ = 0;
    reader_.reset();
    ping_outstanding_ = false;
    write_interest_ = false;
    events_.on_lost(why);
    if (state_ == State::waiting) schedule_reconnect();  // the owner may have stopped us
}

// Exponential backoff with jitter: half of the step fixed, half random.
void Link::schedule_reconnect() {
    using std::chrono::milliseconds;
    const unsigned shift = std::min(attempt_, 20u);
    ++attempt_;
    const auto step =
        std::min<std::int64_t>(options_.backoff_max.count(), options_.backoff_min.count() << shift);
    const auto half = std::max<std::int64_t>(step / 2, 1);
    const auto random = static_cast<std::int64_t>(jitter_() % static_cast<std::uint32_t>(half + 1));
    loop_.arm_after(timer_, milliseconds(step - half + random));
}

void Link::on_timer() {
    switch (state_) {
        case State::waiting:
            return connect();
        case State::connecting:
        case State::handshake:
            return lose(Error::connect_timeout);
        case State::ready:
            // A PING still unanswered at its deadline: the server (or the path to it) is gone,
            // even if TCP has not noticed. A subscriber would otherwise stay deaf forever.
            if (ping_outstanding_) return lose(Error::ping_timeout);
            {
                std::lock_guard g(out_mu_);
                append_command(out_, {"PING"});
                waiting_.push_back(Waiter::ping);
            }
            ping_outstanding_ = true;
            loop_.arm_after(timer_, options_.ping_timeout);
            return flush();
        default:
            return;
    }
}

void Link::flush_soon() {
    if (loop_.in_loop_thread()) return flush();
    if (flush_posted_.exchange(true)) return;
    loop_.post([this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.expired()) return;
        flush_posted_.store(false);
        flush();
    });
}

// Writes what is queued; what the kernel does not take waits for writability.
void Link::flush() {
    if (state_ != State::handshake && state_ != State::ready) return;
    for (;;) {
        if (sent_ == sending_.size()) {
            sending_.clear();
            sent_ = 0;
            std::lock_guard g(out_mu_);
            if (out_.empty()) break;
            out_.swap(sending_);
        }
        auto n = socket_.write(sending_.data() + sent_, sending_.size() - sent_);
        if (!n) {
            if (net::would_block(n.error())) break;
            return lose(n.error());
        }
        sent_ += *n;
    }
    set_interest();
}

void Link::set_interest() {
    if (!socket_.valid()) return;
    const bool want = sent_ < sending_.size();
    if (want == write_interest_ && state_ != State::handshake) return;
    write_interest_ = want;
    (void)loop_.modify(socket_.fd(), want ? net::Interest::readable | net::Interest::writable
                                          : net::Interest::readable);
}

void Link::on_writable() {
    if (state_ == State::connecting) {
        if (auto ec = socket_.take_error()) return lose(ec);
        return connected();
    }
    flush();
}

void Link::on_error() {
    lose(Error::connection_lost);
}

void Link::on_readable() {
    if (state_ != State::handshake && state_ != State::ready) return;
    // The buffer grows with the bytes that arrive (doubling), never to a length announced.
    if (in_.size() - in_len_ < kMinRoom) in_.resize(std::max(kFirstBuffer, in_.size() * 2));
    auto n = socket_.read(in_.data() + in_len_, in_.size() - in_len_);
    if (!n) {
        if (net::would_block(n.error())) return;
        return lose(n.error());
    }
    if (*n == 0) return lose(Error::connection_lost);  // the server closed
    in_len_ += *n;
    std::size_t start = 0;
    for (;;) {
        const std::span<const std::uint8_t> rest(in_.data() + start, in_len_ - start);
        const ReadResult r = reader_.read(rest);
        // Bytes that are no reply: where the next reply starts is unknowable; start afresh.
        if (r.failed()) return lose(r.error);
        if (r.need_more()) break;
        if (!handle(rest.first(r.consumed), r.type)) return;
        if (state_ != State::handshake && state_ != State::ready) return;
        start += r.consumed;
    }
    if (start > 0) {
        std::memmove(in_.data(), in_.data() + start, in_len_ - start);
        in_len_ -= start;
    }
}

// One complete reply: to the owner (pushes, its commands' replies) or to the link itself.
// False when the link was lost on the way.
bool Link::handle(std::span<const std::uint8_t> bytes, Type type) {
    const Reply reply{bytes, type};
    if (type == Type::push || events_.is_push(reply)) {
        if (events_.on_push(reply)) return true;
        lose(Error::unexpected_reply);
        return false;
    }
    Waiter w{};
    bool expected = false;
    {
        std::lock_guard g(out_mu_);
        if (!waiting_.empty()) {
            expected = true;
            w = waiting_.front();
            waiting_.pop_front();
        }
    }
    // A reply nobody asked for: the two sides disagree about the conversation.
    if (!expected) {
        lose(Error::unexpected_reply);
        return false;
    }
    if (w == Waiter::owner) {
        if (events_.on_reply(reply)) return true;
        lose(Error::unexpected_reply);
        return false;
    }
    return handle_own(w, reply);
}

bool Link::handle_own(Waiter w, const Reply& reply) {
    const Value v = reply.value();
    // The handshake and PING may not fail: a refused AUTH or SELECT leaves a connection that
    // would fail every command.
    if (v.is_error() || (state_ == State::ready && w == Waiter::handshake)) {
        lose(v.is_error() ? Error::server_error : Error::unexpected_reply);
        return false;
    }
    if (w == Waiter::ping) {
        ping_outstanding_ = false;
        loop_.arm_after(timer_, options_.ping_interval);
        return true;
    }
    bool more;
    {
        std::lock_guard g(out_mu_);
        more = !waiting_.empty() && waiting_.front() == Waiter::handshake;
    }
    if (!more) become_ready();
    return state_ == State::handshake || state_ == State::ready;
}

Stats Link::stats() const {
    std::lock_guard g(out_mu_);
    Stats s = counters_;
    s.connected = state_ == State::ready;
    if (!s.connected && state_ != State::stopped) {
        s.disconnected += std::chrono::steady_clock::now() - down_since_;
    }
    s.commands = commands.load(std::memory_order_relaxed);
    s.published = published.load(std::memory_order_relaxed);
    s.failed_publishes = failed_publishes.load(std::memory_order_relaxed);
    s.received = received.load(std::memory_order_relaxed);
    s.resubscribes = resubscribes.load(std::memory_order_relaxed);
    return s;
}

std::error_code Link::last_error() const {
    std::lock_guard g(out_mu_);
    return last_error_;
}

}  // namespace wire::redis::detail
