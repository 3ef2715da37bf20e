// Hub: publish/subscribe over the connections of an Engine, on all its loops, and with a
// Backplane over the Hubs of other processes too.
// wire:glue
//
// publish() encodes the frame once into a SharedFrame and posts it to each loop once (not once
// per receiver); each loop appends a reference to every subscriber's send queue and writes each
// subscriber once at the end of the pass, so several publishes in one pass reach a receiver in
// one writev. Subscriptions live in the subscriber's loop and end when the connection closes.
//
// Across instances (set_backplane): publish() delivers to this process's subscribers at once and
// hands the message to the backplane once, in an envelope naming this Hub (instance_id()); what
// other instances publish arrives from the backplane and is delivered here like a local publish.
// The backplane hears one subscribe per topic in use in this process (the first subscriber on
// any loop) and one unsubscribe when the last one leaves. Delivery between instances is at most
// once: while the backplane cannot send, local delivery goes on and the messages for the other
// instances are lost, counted by backplane_lost().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "websocket/backplane.hpp"
#include "websocket/opcode.hpp"
#include "websocket/shared_frame.hpp"

namespace wire::websocket {

class Engine;
class LoopConn;

class Hub final : private Backplane::Sink {
  public:
    explicit Hub(Engine& engine);
    ~Hub();

    // The connection's loop thread.
    void subscribe(LoopConn& conn, std::string_view topic);
    void unsubscribe(LoopConn& conn, std::string_view topic);
    // Subscribers of `topic` on the calling loop (0 off the loops).
    [[nodiscard]] std::size_t local_subscribers(std::string_view topic) const;

    // Any thread: sends a data message to every subscriber of `topic`. On a loop thread that
    // loop's subscribers are served in this pass; other loops get one posted task. With a
    // backplane, the other instances' subscribers get it through the backplane.
    void publish(std::string_view topic, Opcode op, std::span<const std::uint8_t> payload);
    void publish(std::string_view topic, std::string_view text) {
        publish(topic, Opcode::text,
                {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    }
    // A frame already encoded (data frames only when a backplane is set).
    void publish(std::string_view topic, const SharedFrame& frame);

    // Before the first subscription: carry publishes to and from other instances through
    // `backplane`, which must outlive the Hub's use of it (set_backplane(nullptr) detaches).
    void set_backplane(Backplane* backplane);
    [[nodiscard]] Backplane* backplane() const noexcept {
        return backplane_.load(std::memory_order_acquire);
    }
    // Random per Hub: how this instance's messages are told apart on the backplane.
    [[nodiscard]] std::uint64_t instance_id() const noexcept { return instance_id_; }
    // Publishes the backplane refused (not connected): messages the other instances never got.
    [[nodiscard]] std::uint64_t backplane_lost() const noexcept {
        return lost_.load(std::memory_order_relaxed);
    }

    // Internal (LoopState): a loop's first subscriber to `topic` arrived / its last one left.
    void topic_opened(std::string_view topic);
    void topic_closed(std::string_view topic);

  private:
    void publish_local(std::string_view topic, const SharedFrame& frame);
    void on_backplane_message(std::string_view topic,
                              std::span<const std::uint8_t> message) override;

    Engine& engine_;
    std::atomic<Backplane*> backplane_{nullptr};
    std::uint64_t instance_id_ = 0;
    std::atomic<std::uint64_t> lost_{0};
    std::mutex topics_mu_;
    std::unordered_map<std::string, std::size_t> loops_using_;  // topic -> loops with subscribers
};

}  // namespace wire::websocket
