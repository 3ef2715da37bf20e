// tail_session.hpp: one browser following a log file over a WebSocket (seed 002's purpose),
// shared by examples/log_tail.cpp and the demo's /tail.
//
// Messages, server to browser: first "# tailing <path>", then every batch of complete lines
// appended to the file, '\n'-separated, without the last '\n'. A reader thread runs beside the
// polling loop: the browser sends nothing, but its close frame (and pings) must still be read.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "log_follower.hpp"
#include "websocket/close.hpp"
#include "websocket/conn.hpp"

namespace example {

// Follows `path` into `conn` until the peer closes or the connection fails (abort() it to stop).
inline void tail_to(wire::websocket::Conn& conn, const std::filesystem::path& path,
                    std::chrono::milliseconds every = std::chrono::milliseconds(200)) {
    namespace ws = wire::websocket;
    std::atomic<bool> peer_gone{false};
    std::thread reader([&] {
        while (conn.read_message()) {
        }  // a close frame, an EOF or abort() ends it
        peer_gone = true;
    });
    LogFollower follower(path);  // from the current end, like tail -F
    bool ok = conn.write_message(ws::Opcode::text, "# tailing " + path.string()).has_value();
    while (ok && !peer_gone) {
        std::string lines = follower.poll();
        if (!lines.empty()) {
            lines.pop_back();  // the last '\n'
            ok = conn.write_message(ws::Opcode::text, lines).has_value();
        }
        std::this_thread::sleep_for(every);
    }
    if (!peer_gone) (void)conn.close(ws::close_code::going_away, "", std::chrono::seconds(1));
    reader.join();
}

}  // namespace example
