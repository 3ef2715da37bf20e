// Hub: publish/subscribe over the connections of an Engine, on all its loops.
// wire:glue
//
// publish() encodes the frame once into a SharedFrame and posts it to each loop once (not once
// per receiver); each loop appends a reference to every subscriber's send queue and writes each
// subscriber once at the end of the pass, so several publishes in one pass reach a receiver in
// one writev. Subscriptions live in the subscriber's loop and end when the connection closes.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "websocket/opcode.hpp"
#include "websocket/shared_frame.hpp"

namespace wire::websocket {

class Engine;
class LoopConn;

class Hub {
  public:
    explicit Hub(Engine& engine) noexcept : engine_(engine) {}

    // The connection's loop thread.
    void subscribe(LoopConn& conn, std::string_view topic);
    void unsubscribe(LoopConn& conn, std::string_view topic);
    // Subscribers of `topic` on the calling loop (0 off the loops).
    [[nodiscard]] std::size_t local_subscribers(std::string_view topic) const;

    // Any thread: sends a data message to every subscriber of `topic`. On a loop thread that
    // loop's subscribers are served in this pass; other loops get one posted task.
    void publish(std::string_view topic, Opcode op, std::span<const std::uint8_t> payload);
    void publish(std::string_view topic, std::string_view text) {
        publish(topic, Opcode::text,
                {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    }
    void publish(std::string_view topic, const SharedFrame& frame);

  private:
    Engine& engine_;
};

}  // namespace wire::websocket
