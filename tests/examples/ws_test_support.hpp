// Helpers for the tests of the WebSocket examples: a ws:// URL on loopback, and reading the next
// text message with a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "websocket/conn.hpp"
#include "websocket/dialer.hpp"

namespace wire::test {

inline std::string ws_url(int port, const std::string& path) {
    return "ws://127.0.0.1:" + std::to_string(port) + path;
}

// The next message as text, or nothing when the connection ends or `timeout` passes first
// (a timeout breaks the Conn: gorilla's rule, errors are sticky).
inline std::optional<std::string> next_text(
    websocket::Conn& conn, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    conn.set_read_deadline(websocket::Clock::now() + timeout);
    auto msg = conn.read_message();
    if (!msg) return std::nullopt;
    return std::string(msg->text());
}

}  // namespace wire::test
