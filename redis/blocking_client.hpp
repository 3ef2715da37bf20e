// BlockingClient: a redis Client for blocking code (a thread per connection, a fiber, a test),
// as net::Conn is for sockets: it runs its own event loop on a thread of its own, and each call
// waits for its reply.
// wire:glue
//
//     wire::redis::Options options;              // 127.0.0.1:6379 by default
//     wire::redis::BlockingClient redis(options);
//     if (!redis.wait_connected(std::chrono::seconds(2))) ...;
//     auto r = redis.command({"INCR", "hits"});   // Result<OwnedReply>
//     if (r) std::cout << r->value().integer;
//
// Every call is bounded: `timeout` (Error::ping_timeout's cousin, net::Error::timeout) when no
// reply comes in time; the command may still run on the server.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>
#include <thread>

#include "net/event_loop.hpp"
#include "net/result.hpp"
#include "redis/client.hpp"
#include "redis/options.hpp"
#include "redis/reply.hpp"

namespace wire::redis {

class BlockingClient {
  public:
    explicit BlockingClient(Options options);
    ~BlockingClient();  // stops the client and its loop
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;

    // Until the first handshake is done, at most `timeout`.
    bool wait_connected(std::chrono::milliseconds timeout);

    // Any thread. An error reply is Error::server_error; the reply is then lost to the caller
    // except through Client's callback form.
    net::Result<OwnedReply> command(std::span<const std::string_view> args,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
    net::Result<OwnedReply> command(std::initializer_list<std::string_view> args,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return command(std::span<const std::string_view>(args.begin(), args.size()), timeout);
    }

    Client& client() noexcept { return *client_; }

  private:
    net::EventLoop loop_;
    std::unique_ptr<Client> client_;
    std::thread thread_;
};

}  // namespace wire::redis
