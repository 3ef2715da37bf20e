// RedisBackplane: a websocket::Backplane on redis pub/sub, so that a Hub's publish reaches the
// subscribers of every instance of a service (behind a load balancer) and not only its own.
// wire:glue
//
//     wire::cluster::RedisBackplane backplane(loop, options);  // options.redis.address...
//     if (auto ec = backplane.start()) ...      // a configuration it cannot honour
//     (cluster/error.hpp) engine.hub().set_backplane(&backplane);     // before the first
//     subscription
//
// Two redis connections: a Client that PUBLISHes (SPUBLISH when sharded) and a Subscriber that
// holds one SUBSCRIBE per topic in use (prefix + topic: "wire:chat"), resubscribing everything
// after any reconnect (redis/subscriber.hpp). The Hub above knows nothing of redis; redis/
// below knows nothing of WebSocket; this layer is the only place where both meet.
//
// Streams mode (options.streams): each topic is a redis stream instead, appended with XADD and
// MAXLEN ~ stream_maxlen, read with XREAD BLOCK from the last id seen (cluster/stream_reader.hpp):
// an instance that reconnects, or a redis that restarts with its data, loses nothing within the
// retained length. While the publishing connection is down, messages wait in an outbox
// (stream_outbox of them at most) and are appended in order once it is back: what is published
// while redis restarts is not lost either. Only a message whose XADD was in flight when the
// connection broke may be lost (counted). Streams do not combine with `sharded` (start() says
// so). Pub/sub stays the default: no memory in redis, nothing replayed, no outbox.
//
// Pub/sub is at most once: what is published while redis is unreachable is lost for the other
// instances (Hub::backplane_lost and stats().lost count it); local delivery is unaffected.
//
// Lifetime: start() and stop() on `loop`'s thread (or before it runs); destroy it on that thread
// or after the loop has stopped, and after the Engine whose Hub uses it (or detach it first with
// set_backplane(nullptr)).
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>

#include "cluster/error.hpp"
#include "cluster/stream_reader.hpp"
#include "net/event_loop.hpp"
#include "redis/client.hpp"
#include "redis/options.hpp"
#include "redis/subscriber.hpp"
#include "websocket/backplane.hpp"

namespace wire::cluster {

struct RedisBackplaneOptions {
    redis::Options redis;
    // Channel names are prefix + topic, so that several services share one redis.
    std::string prefix = "wire:";
    // Redis 7's sharded pub/sub (SSUBSCRIBE/SPUBLISH), for redis Cluster: each channel lives on
    // the node of its slot instead of being broadcast to every node.
    bool sharded = false;
    // Streams instead of pub/sub (see above): entries kept per topic (approximately, "~"), and
    // how long one XREAD waits before a topic subscribed meanwhile joins the next.
    bool streams = false;
    std::size_t stream_maxlen = 10000;
    std::chrono::milliseconds stream_block{100};
    // Messages kept while the publishing connection is down; beyond this they are lost, counted.
    std::size_t stream_outbox = 10000;
};

class RedisBackplane final : public websocket::Backplane {
  public:
    RedisBackplane(net::EventLoop& loop, RedisBackplaneOptions options);
    ~RedisBackplane() override;

    // Connects (and keeps reconnecting). An error, and nothing started, when the options cannot
    // be honoured together (cluster/error.hpp).
    [[nodiscard]] std::error_code start();
    void stop();

    void attach(Sink* sink) override;
    bool publish(std::string_view topic, std::span<const std::uint8_t> head,
                 std::span<const std::uint8_t> body) override;
    void subscribe(std::string_view topic) override;
    void unsubscribe(std::string_view topic) override;
    [[nodiscard]] websocket::BackplaneStats stats() const override;

    [[nodiscard]] bool connected() const;
    [[nodiscard]] redis::Client& publisher() noexcept { return publisher_; }
    [[nodiscard]] redis::Subscriber& subscriber() noexcept { return subscriber_; }

  private:
    void deliver(std::string_view channel, std::span<const std::uint8_t> message);
    bool append(const std::string& key, std::span<const std::uint8_t> head,
                std::span<const std::uint8_t> body);
    bool xadd(const std::string& key, const std::string& message);  // with outbox_mu_ held
    void flush_outbox();

    struct Held {
        std::string key;
        std::string message;
    };

    RedisBackplaneOptions options_;
    redis::Client publisher_;
    redis::Subscriber subscriber_;
    std::unique_ptr<StreamReader> reader_;  // streams mode only
    std::atomic<std::uint64_t> stream_published_{0};
    std::atomic<std::uint64_t> stream_lost_{0};
    std::atomic<std::uint64_t> stream_received_{0};
    std::atomic<Sink*> sink_{nullptr};
    // Streams mode: what waits for the publisher's connection, in order. outbox_mu_ is also held
    // around each XADD, so that nothing overtakes what waits.
    std::mutex outbox_mu_;
    std::deque<Held> outbox_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for tasks posted to the loop
};

}  // namespace wire::cluster
