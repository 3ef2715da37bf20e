// The knobs of event-driven WebSocket connections (LoopConn on an Engine): limits, timeouts and
// what to do with a slow consumer. Every field has a safe default; all timeouts are on.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "http/trace.hpp"
#include "websocket/deflate_params.hpp"
#include "websocket/limits.hpp"

namespace wire::websocket {

// What LoopConn::send() did with a message.
enum class SendStatus : std::uint8_t {
    sent,      // handed to the kernel, or corked for this loop pass with nothing queued before it
    buffered,  // queued behind earlier bytes the peer has not taken yet (see buffered_amount())
    dropped,   // not sent: the connection is closing, or the slow-consumer policy refused it
};

// What send() does when a message would take a connection's queue past max_queued_bytes (a peer
// that reads slower than we write). Named after what the peer sees.
enum class SlowConsumerPolicy : std::uint8_t {
    close_policy_violation,  // close with 1008 (RFC 6455 §7.4.1): the peer broke our rules
    close_try_again_later,   // close with 1013 (IANA registry): come back when we are less busy
    drop_newest,             // keep the queue, drop the message being sent
    drop_oldest,             // drop whole queued messages from the front until the new one fits
};

// The per-connection limits of the event-driven side, each with what it produces.
struct EventLimits {
    Limits frame;  // max_message_size: a bigger message closes the connection with 1009
    // Bytes waiting in one connection's send queue; beyond it the SlowConsumerPolicy applies.
    std::size_t max_queued_bytes = 4 * 1024 * 1024;
    // The limits of a whole Engine (connections, bytes queued in total) are in
    // Engine::Admission: beyond them new upgrades are answered 503.
};

// All on by default. A zero duration turns that timer off.
struct EventTimeouts {
    using Duration = std::chrono::steady_clock::duration;
    // From accept to the end of the upgrade request (the standalone WebSocketServer).
    Duration handshake = std::chrono::seconds(10);
    // Nothing received for this long: send a ping (RFC 6455 §5.5.2 "may serve as a keepalive").
    Duration ping_interval = std::chrono::seconds(30);
    // A ping unanswered (nothing at all received) for this long: the peer is gone; drop it.
    Duration pong_timeout = std::chrono::seconds(15);
    // No data message received for this long: close with 1001.
    Duration idle = std::chrono::minutes(5);
    // Our close frame sent and no close frame back for this long: drop the connection
    // (RFC 6455 §7.1.1 lets the server close TCP after the closing handshake).
    Duration close = std::chrono::seconds(5);
};

struct EventOptions {
    EventLimits limits;
    EventTimeouts timeouts;
    SlowConsumerPolicy slow_consumer = SlowConsumerPolicy::close_try_again_later;
    // Report data through on_fragment as it arrives instead of whole messages through on_message.
    bool stream_fragments = false;
    // gorilla's EnableCompression: negotiate permessage-deflate (RFC 7692) when a client
    // offers it, with these preferences (windows, context takeover, level, threshold). Without
    // context takeover a connection keeps no compression state between messages: the loop's
    // shared codecs serve it, and a Hub message is compressed once for all such receivers.
    bool enable_compression = false;
    CompressionOptions compression;
    // Trace mode (websocket/trace.hpp): one annotated line per frame read or written, from the
    // connection's loop; the handshake is traced by the server that upgraded it. Starts as
    // standard error when WIRE_TRACE is set; empty: off.
    http::TraceSink trace = http::default_trace_sink();
};

}  // namespace wire::websocket
