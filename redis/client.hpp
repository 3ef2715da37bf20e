// Client: a redis connection for commands, on an event loop. Commands are pipelined (written as
// soon as they are queued, without waiting for earlier replies) and their replies matched in
// order. It connects, authenticates and reconnects by itself (redis/detail/link.hpp).
// wire:glue
//
//     wire::redis::Client client(loop, options);  // options.address = "127.0.0.1:6379"...
//     client.start();
//     client.command({"SET", "k", "v"}, [](std::error_code ec, const Reply& r) { ... });
//     client.publish("chat", "hello");        // failures counted in stats().failed_publishes
//
// No command is queued while there is no connection: it fails at once with Error::not_connected
// (pub/sub is at most once; a publish that cannot be sent now is lost, and the caller hears so).
// A command whose connection is lost before its reply gets Error::connection_lost: it may or may
// not have run. An error reply is a reply: its callback gets Error::server_error with the reply.
//
// Threading: start(), stop() and the destructor on the loop thread (or before the loop runs);
// command() and publish() from any thread; callbacks run on the loop thread, except the
// immediate not_connected / queue_full failures, which run on the calling thread before
// command() returns. Destroy the Client before its loop.
#pragma once

#include <deque>
#include <functional>
#include <initializer_list>
#include <span>
#include <string_view>
#include <system_error>

#include "net/event_loop.hpp"
#include "redis/detail/link.hpp"
#include "redis/options.hpp"
#include "redis/reply.hpp"
#include "redis/stats.hpp"

namespace wire::redis {

class Client final : private detail::LinkEvents {
  public:
    // `reply` is a view valid during the call; empty when `error` is not server_error.
    using Callback = std::function<void(std::error_code error, const Reply& reply)>;

    Client(net::EventLoop& loop, Options options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void start();
    void stop();

    // Before start(): runs on the loop thread each time a connection is ready for commands (the
    // first and every one after a loss), for owners that keep work back while disconnected.
    void set_on_ready(std::function<void()> on_ready) { on_ready_ = std::move(on_ready); }

    // Queues one command (an array of bulk strings, redis/command.hpp). False when it failed at
    // once (the callback has then run).
    bool command(std::span<const std::string_view> args, Callback callback);
    bool command(std::initializer_list<std::string_view> args, Callback callback) {
        return command(std::span<const std::string_view>(args.begin(), args.size()),
                       std::move(callback));
    }

    // PUBLISH channel message (SPUBLISH when `sharded`: redis 7's sharded pub/sub, for a
    // cluster). The message may come in pieces (a header and a payload), sent as one bulk
    // string without joining them first. Every outcome is counted (published, failed_publishes);
    // the callback, if any, hears it too (its reply: the number of receivers).
    bool publish(std::string_view channel, std::span<const std::string_view> message,
                 bool sharded = false, Callback callback = {});
    bool publish(std::string_view channel, std::string_view message, bool sharded = false,
                 Callback callback = {}) {
        return publish(channel, std::span<const std::string_view>(&message, 1), sharded,
                       std::move(callback));
    }

    [[nodiscard]] bool connected() const { return stats().connected; }
    [[nodiscard]] Stats stats() const { return link_.stats(); }
    // Why the most recent connection ended or failed to connect ({} while none has); it is kept
    // after a reconnect, so a caller that sees stats().losses grow can still ask why.
    [[nodiscard]] std::error_code last_error() const { return link_.last_error(); }
    [[nodiscard]] net::EventLoop& loop() noexcept { return link_.loop(); }

  private:
    struct Pending {
        Callback callback;
        bool publish = false;
    };
    bool refuse(std::error_code why, bool publish, const Callback& callback);
    void finish(Pending& p, std::error_code error, const Reply& reply);

    void on_ready() override {
        if (on_ready_) on_ready_();
    }
    bool on_reply(const Reply& reply) override;
    bool on_push(const Reply&) override { return true; }  // RESP3 pushes (invalidations...)
    void on_lost(std::error_code error) override;

    detail::Link link_;
    std::deque<Pending> pending_;  // guarded by the link's lock
    std::function<void()> on_ready_;
};

}  // namespace wire::redis
