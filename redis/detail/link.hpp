// Link: one TCP connection to a redis server on an event loop, and what keeps it alive; the
// common part of Client and Subscriber.
// wire:glue
//
// Its life is a loop: connect (non-blocking, bounded by connect_timeout) -> handshake (HELLO 3,
// or AUTH / CLIENT SETNAME / SELECT, all pipelined in one write) -> ready -> lost -> wait
// (backoff with jitter) -> connect... forever, until stop(). A connection is lost when the socket
// fails or closes, when PING goes unanswered past ping_timeout, and when the server sends bytes
// that are no reply, an error reply where none may come, or a reply over the limits: the link
// never carries on after bytes it could not frame, since it would not know where the next reply
// starts.
//
// Replies come back in the order of the commands (redis answers each connection's commands in
// order), so the link keeps a FIFO of who waits for each: itself (handshake, PING) or its owner.
// Pushes (RESP3 ">", and RESP2 pub/sub arrays as the owner recognises them) wait for nobody.
//
// Threading: the owner's commands may be queued from any thread (lock(), then append to out()
// and expect_reply(), then flush_soon()); everything else runs on the loop thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "net/event_loop.hpp"
#include "net/socket.hpp"
#include "net/timer.hpp"
#include "redis/options.hpp"
#include "redis/reply.hpp"
#include "redis/resp_reader.hpp"
#include "redis/stats.hpp"

namespace wire::redis::detail {

// What the owner hears, on the loop thread.
class LinkEvents {
  public:
    // The handshake is done: queue what the new connection needs (resubscribe...).
    virtual void on_ready() = 0;
    // The reply for the owner's oldest command. False: the reply makes no sense for it (the
    // link is then lost with Error::unexpected_reply).
    virtual bool on_reply(const Reply& reply) = 0;
    // Whether a reply that is not a RESP3 push is still out-of-band (RESP2 pub/sub messages).
    virtual bool is_push(const Reply& reply) { return reply.type == Type::push; }
    virtual bool on_push(const Reply& reply) = 0;
    // The connection is gone: every command waiting for a reply has lost it. `error` says why.
    virtual void on_lost(std::error_code error) = 0;

  protected:
    ~LinkEvents() = default;
};

class Link final : public net::IoHandler {
  public:
    enum class State : std::uint8_t { idle, waiting, connecting, handshake, ready, stopped };

    Link(net::EventLoop& loop, Options options, LinkEvents& events);
    ~Link();  // loop thread (or the loop not running)
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    void start();  // loop thread: the first connect
    void stop();   // loop thread: closes, fails what waits with Error::closed, never reconnects

    // Any thread. While the lock is held: ready() says whether commands may be queued; out() is
    // where they are appended; expect_reply() says one more reply goes to the owner.
    [[nodiscard]] std::unique_lock<std::mutex> lock() { return std::unique_lock(out_mu_); }
    [[nodiscard]] bool ready_locked() const noexcept { return state_ == State::ready; }
    [[nodiscard]] std::string& out_locked() noexcept { return out_; }
    void expect_reply_locked() { waiting_.push_back(Waiter::owner); }
    // This connection came after a lost one (its handshake just finished).
    [[nodiscard]] bool stats_reconnected_locked() const noexcept {
        return counters_.reconnects > 0 && counters_.connects > 1;
    }
    [[nodiscard]] bool over_limit_locked() const noexcept {
        return out_.size() > options_.max_queued_bytes;
    }
    // Any thread, after unlocking: the queued bytes are written soon (at once on the loop).
    void flush_soon();

    [[nodiscard]] net::EventLoop& loop() noexcept { return loop_; }
    [[nodiscard]] const Options& options() const noexcept { return options_; }
    [[nodiscard]] Stats stats() const;
    [[nodiscard]] std::error_code last_error() const;
    // Counters the owner keeps in the same Stats.
    std::atomic<std::uint64_t> commands{0}, published{0}, failed_publishes{0}, received{0},
        resubscribes{0};

    void on_readable() override;
    void on_writable() override;
    void on_error() override;

  private:
    enum class Waiter : std::uint8_t { handshake, ping, owner };

    void connect();
    void connected();
    void become_ready();
    void queue_handshake();
    void lose(std::error_code why);
    void schedule_reconnect();
    void on_timer();
    void flush();
    bool handle(std::span<const std::uint8_t> reply, Type type);
    bool handle_own(Waiter w, const Reply& reply);
    void set_interest();
    void set_state(State s);

    net::EventLoop& loop_;
    Options options_;
    LinkEvents& events_;
    net::Socket socket_;
    net::Timer timer_;  // connect deadline, PING interval and deadline, reconnect backoff
    RespReader reader_;
    std::vector<std::uint8_t> in_;  // [0, in_len_): the reply in progress
    std::size_t in_len_ = 0;
    std::string sending_;  // bytes taken from out_, being written
    std::size_t sent_ = 0;
    bool write_interest_ = false;
    bool ping_outstanding_ = false;
    unsigned attempt_ = 0;  // connects failed since the last ready one
    bool was_ready_ = false;
    bool unix_ = false;
    std::minstd_rand jitter_;
    std::chrono::steady_clock::time_point down_since_;

    mutable std::mutex out_mu_;
    State state_ = State::idle;   // guarded by out_mu_ for writes; loop thread reads freely
    std::string out_;             // guarded by out_mu_
    std::deque<Waiter> waiting_;  // guarded by out_mu_
    std::atomic<bool> flush_posted_{false};
    std::error_code last_error_;  // guarded by out_mu_
    Stats counters_;              // guarded by out_mu_ (the link's own counters)
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wire::redis::detail
