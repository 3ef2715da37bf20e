// The demo as one instance of several (`make run-cluster`): its Hub joined to the other
// instances' through a RedisBackplane, so that a chat message or a system push sent to any
// instance reaches the pages connected to every instance.
//
//   build/examples/demo --redis 127.0.0.1:6379 --instance a    (or WIRE_REDIS, WIRE_INSTANCE)
//
// Without --redis the demo is one process on its own, as `make run` starts it.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "cluster/redis_backplane.hpp"
#include "net/event_loop.hpp"
#include "websocket/backplane.hpp"

namespace demo {

struct Live;

// The backplane of the chat's Hub and a second one for the system push (whose pages are
// threaded Connections in a Room, not Hub subscribers), both on one event loop of their own.
class Cluster final : public wire::websocket::Backplane::Sink {
  public:
    Cluster(Live& live, const std::string& redis_address, std::string instance);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // The chat's Hub publishes through redis from now on; the loop thread starts.
    void start();
    // Detaches the Hub, stops both backplanes and joins the loop thread. Idempotent.
    void stop();

    // A system message sent here: to the other instances' push pages (ours get it directly).
    void publish_push(const std::string& text);

  private:
    // What the push backplane brings: "<instance>\n<text>"; our own messages come back too.
    void on_backplane_message(std::string_view topic,
                              std::span<const std::uint8_t> message) override;

    Live& live_;
    std::string instance_;
    wire::net::EventLoop loop_;
    std::unique_ptr<wire::cluster::RedisBackplane> chat_;
    std::unique_ptr<wire::cluster::RedisBackplane> push_;
    std::thread thread_;
};

// The redis address from --redis or $WIRE_REDIS (empty: no cluster), the instance's name from
// --instance or $WIRE_INSTANCE (default: the process id).
std::string redis_address(int argc, char** argv);
std::string instance_name(int argc, char** argv);

}  // namespace demo
