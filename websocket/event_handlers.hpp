// The callbacks of an event-driven WebSocket route, and the Endpoint that pairs them with options.
//
// All callbacks run on the connection's loop thread, one at a time per loop; they must not block
// (the loop serves thousands of other connections). Views passed in are valid during the call
// only. Every callback is optional.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "websocket/event_options.hpp"
#include "websocket/opcode.hpp"

namespace wire::websocket {

class LoopConn;

// A whole data message on a loop connection (RFC 6455 §5.4: the frames of a fragmented message,
// joined). Named apart from the blocking Conn's Message: both live in wire::websocket.
struct LoopMessage {
    Opcode opcode = Opcode::binary;  // text or binary
    std::span<const std::uint8_t> payload;

    [[nodiscard]] std::string_view text() const noexcept {
        return {reinterpret_cast<const char*>(payload.data()), payload.size()};
    }
};

// Part of a data message, when EventOptions::stream_fragments asks for them.
struct Fragment {
    Opcode opcode = Opcode::binary;  // of the whole message
    std::span<const std::uint8_t> payload;
    bool first = false;  // the message begins with these bytes
    bool last = false;   // the message is complete after these bytes
};

struct EventHandlers {
    std::function<void(LoopConn&)> on_open;
    std::function<void(LoopConn&, const LoopMessage&)> on_message;
    std::function<void(LoopConn&, const Fragment&)> on_fragment;  // stream_fragments only
    // The pong to a ping is sent automatically (RFC 6455 §5.5.2); these only observe.
    std::function<void(LoopConn&, std::span<const std::uint8_t>)> on_ping;
    std::function<void(LoopConn&, std::span<const std::uint8_t>)> on_pong;
    // The send queue became empty (every byte handed to the kernel). Fires each time a queue
    // that held bytes empties, so a producer can wait for it after send() returned buffered.
    std::function<void(LoopConn&)> on_drain;
    // Exactly once per opened connection, after the socket is closed. `code` is the peer's close
    // code, 1005 when its close frame had none, 1006 when the connection ended without one.
    // No send is possible any more; the LoopConn is destroyed after this returns.
    std::function<void(LoopConn&, std::uint16_t code, std::string_view reason)> on_close;
};

// One WebSocket route: how its connections behave. Must outlive them (keep it in the server).
struct Endpoint {
    EventOptions options;
    EventHandlers handlers;
};

}  // namespace wire::websocket
