// What a redis connection counts, read from any thread (Client::stats, Subscriber::stats).
#pragma once

#include <chrono>
#include <cstdint>

namespace wire::redis {

struct Stats {
    bool connected = false;              // the handshake is done and the connection is up
    std::uint64_t connects = 0;          // handshakes completed, the first one included
    std::uint64_t reconnects = 0;        // ... after a loss (connects - 1, once up again)
    std::uint64_t connect_failures = 0;  // attempts that failed before the handshake completed
    std::uint64_t losses = 0;            // connections lost after their handshake
    std::uint64_t commands = 0;          // commands sent (handshake and PING excluded)
    std::uint64_t published = 0;         // PUBLISH/SPUBLISH answered by the server
    std::uint64_t failed_publishes = 0;  // refused (not connected), lost, or answered with an error
    std::uint64_t received = 0;          // pub/sub messages received (Subscriber)
    std::uint64_t resubscribes = 0;      // channels subscribed again after a reconnect or a
                                         // server-side sunsubscribe (Subscriber)
    std::chrono::nanoseconds disconnected{0};  // total time without a ready connection
};

}  // namespace wire::redis
