// Options of a redis connection (Client, Subscriber): where, who, how long to wait, how to come
// back after a loss.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "redis/limits.hpp"

namespace wire::redis {

struct Options {
    // "host:port" (a name goes through the resolver at every connect, which may block on DNS;
    // give an address to keep the loop from waiting).
    std::string address = "127.0.0.1:6379";
    // AUTH (redis 6 ACL form with a user; the password alone when username is empty). No AUTH
    // when both are empty.
    std::string username;
    std::string password;
    int database = 0;         // SELECT, when not 0
    std::string client_name;  // CLIENT SETNAME (shown by CLIENT LIST), when not empty
    // 3: "HELLO 3" and RESP3, where pub/sub messages are pushes apart from replies (redis 6+).
    // 2: RESP2 with AUTH, CLIENT SETNAME and SELECT as separate commands.
    int protocol = 3;

    // From connect(2) to the last handshake reply. Error::connect_timeout.
    std::chrono::milliseconds connect_timeout{2000};
    // A PING after this long without one; a connection whose PING is not answered within
    // ping_timeout is lost (Error::ping_timeout) and goes through the reconnect path, so that a
    // subscriber never stays connected to a server that no longer hears it.
    std::chrono::milliseconds ping_interval{1000};
    std::chrono::milliseconds ping_timeout{2000};
    // Reconnecting, forever: the n-th attempt after a loss waits a random time between half and
    // all of min(backoff_max, backoff_min * 2^n) (exponential backoff with jitter, so that many
    // instances do not all come back in the same millisecond).
    std::chrono::milliseconds backoff_min{50};
    std::chrono::milliseconds backoff_max{2000};

    // Bytes waiting to be written before commands are refused with Error::queue_full.
    std::size_t max_queued_bytes = 64 * 1024 * 1024;
    Limits limits;
};

}  // namespace wire::redis
