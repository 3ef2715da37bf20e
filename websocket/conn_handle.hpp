// ConnHandle: a cheap, copyable reference to a LoopConn that any thread may use.
//
// A handle names a connection by its loop, its slot in that loop's table and the slot's
// generation. Every call posts a task to the connection's loop (or runs at once when already on
// that thread); the task looks the slot up and does nothing if the generation moved on, so a
// handle to a closed connection is harmless, never a dangling pointer (the ids are reused only
// with a new generation). A handle may be used while its Engine exists.
#pragma once

#include <cstdint>
#include <string>

#include "websocket/close.hpp"
#include "websocket/opcode.hpp"

namespace wire::websocket {

namespace detail {
class LoopState;
}

class ConnHandle {
  public:
    ConnHandle() noexcept = default;

    // Any thread. Queues the message for the connection's loop; false for an empty handle or
    // when that loop is gone.
    // The payload is moved into the posted task (a cross-thread send needs its own copy).
    bool send(Opcode op, std::string payload) const;
    bool send_text(std::string text) const { return send(Opcode::text, std::move(text)); }
    bool send_binary(std::string bytes) const { return send(Opcode::binary, std::move(bytes)); }
    // Any thread: starts the closing handshake (LoopConn::close).
    bool close(std::uint16_t code = close_code::normal, std::string reason = {}) const;

    explicit operator bool() const noexcept { return state_ != nullptr; }
    bool operator==(const ConnHandle&) const noexcept = default;
    std::uint32_t slot() const noexcept { return slot_; }
    std::uint32_t generation() const noexcept { return generation_; }

  private:
    friend class LoopConn;
    ConnHandle(detail::LoopState* state, std::uint32_t slot, std::uint32_t generation) noexcept
        : state_(state), slot_(slot), generation_(generation) {}

    detail::LoopState* state_ = nullptr;
    std::uint32_t slot_ = 0;
    std::uint32_t generation_ = 0;
};

}  // namespace wire::websocket
