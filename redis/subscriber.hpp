// Subscriber: a redis connection in pub/sub mode that never goes silently deaf.
// wire:glue
//
// It remembers every channel it is asked to hear until told to stop, and subscribes to all of
// them again on every new connection (after a restart of redis, a network cut, a PING that went
// unanswered). Redis 7 may end a sharded subscription by itself when the channel's slot moves
// to another node of a cluster (an "sunsubscribe" push nobody asked for): the channel is
// subscribed again at once. stats().resubscribes counts both.
//
//     wire::redis::Subscriber sub(loop, options, [](std::string_view channel, auto payload) {});
//     sub.start();
//     sub.subscribe("chat");          // any thread, connected or not
//
// Messages published while the connection is down are not seen (redis pub/sub keeps nothing).
//
// Threading: start(), stop() and the destructor on the loop thread (or before the loop runs);
// subscribe() and unsubscribe() from any thread; the handler runs on the loop thread, with views
// valid during the call.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "net/event_loop.hpp"
#include "redis/detail/link.hpp"
#include "redis/options.hpp"
#include "redis/stats.hpp"

namespace wire::redis {

class Subscriber final : private detail::LinkEvents {
  public:
    using Handler =
        std::function<void(std::string_view channel, std::span<const std::uint8_t> payload)>;

    Subscriber(net::EventLoop& loop, Options options, Handler on_message);
    ~Subscriber();
    Subscriber(const Subscriber&) = delete;
    Subscriber& operator=(const Subscriber&) = delete;

    void start();
    void stop();

    // SUBSCRIBE `channel` (SSUBSCRIBE when `sharded`), now if connected and on every connection
    // from now on. Subscribing twice is once.
    void subscribe(std::string_view channel, bool sharded = false);
    void unsubscribe(std::string_view channel);

    // Channels the server has confirmed on the current connection (loop thread's view).
    [[nodiscard]] std::size_t confirmed() const noexcept {
        return confirmed_count_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] bool connected() const { return stats().connected; }
    [[nodiscard]] Stats stats() const { return link_.stats(); }
    // Why the most recent connection ended or failed to connect ({} while none has); it is kept
    // after a reconnect, so a caller that sees stats().losses grow can still ask why.
    [[nodiscard]] std::error_code last_error() const { return link_.last_error(); }

  private:
    void queue_subscribe_locked(std::string_view channel, bool sharded);
    void on_ready() override;
    bool on_reply(const Reply& reply) override;
    bool is_push(const Reply& reply) override;
    bool on_push(const Reply& reply) override;
    void on_lost(std::error_code error) override;

    detail::Link link_;
    Handler handler_;
    std::unordered_map<std::string, bool>
        wanted_;                                 // channel -> sharded; guarded by the link's lock
    std::unordered_set<std::string> confirmed_;  // loop thread
    std::atomic<std::size_t> confirmed_count_{0};
};

}  // namespace wire::redis
