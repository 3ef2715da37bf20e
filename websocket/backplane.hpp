// Backplane: how a Hub reaches the Hubs of other processes, the instances of one service behind
// a load balancer. The Hub knows only this interface; cluster/redis_backplane.hpp implements it
// with redis pub/sub. Nothing here knows redis, and nothing in redis/ knows WebSocket.
//
// The Hub subscribes a topic here when the first connection of this process subscribes to it
// (on any loop) and unsubscribes after the last one leaves, so a backplane carries one
// subscription per topic in use, never one per connection. It publishes each message once per
// process, as an envelope (websocket/envelope.hpp) that names the instance it came from; the
// origin drops its own message when the backplane brings it back, having delivered it locally
// already.
//
// Delivery is at most once: a message published while the backplane cannot send is lost, and
// counted (publish() returns false). A backplane that loses its connection must subscribe every
// topic again when it comes back.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

namespace wire::websocket {

struct BackplaneStats {
    bool connected = false;
    std::uint64_t published = 0;   // messages handed to the other instances
    std::uint64_t received = 0;    // messages that came from the backplane (own ones included)
    std::uint64_t lost = 0;        // publishes that could not be sent, or failed on the way
    std::uint64_t reconnects = 0;  // connections regained after a loss
    std::uint64_t resubscribes = 0;
    std::chrono::nanoseconds disconnected{0};  // total time without a connection
};

class Backplane {
  public:
    // Where the backplane delivers what other instances publish. Any thread (the backplane's);
    // `message` is a view valid during the call.
    class Sink {
      public:
        virtual void on_backplane_message(std::string_view topic,
                                          std::span<const std::uint8_t> message) = 0;

      protected:
        ~Sink() = default;
    };

    virtual ~Backplane() = default;

    // Set by the Hub (Hub::set_backplane), before any subscribe; nullptr detaches.
    virtual void attach(Sink* sink) = 0;
    // Any thread. Sends `head` followed by `body` as one message on `topic` to every instance
    // subscribed to it. False when it cannot be sent now (the message is lost).
    virtual bool publish(std::string_view topic, std::span<const std::uint8_t> head,
                         std::span<const std::uint8_t> body) = 0;
    // Any thread. Subscribing twice is once.
    virtual void subscribe(std::string_view topic) = 0;
    virtual void unsubscribe(std::string_view topic) = 0;
    [[nodiscard]] virtual BackplaneStats stats() const = 0;
};

}  // namespace wire::websocket
