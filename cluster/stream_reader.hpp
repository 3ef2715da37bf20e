// StreamReader: the receiving half of RedisBackplane's Streams mode. Each topic is a redis stream
// (prefix + topic) that publishers append to with XADD ... MAXLEN ~ N; the reader follows every
// stream in use with XREAD BLOCK from the last id it has seen, on a connection of its own.
// wire:glue
//
// Why it loses nothing within the retained length: the position is the last entry id delivered,
// kept here, not a subscription kept by the server. After a lost connection, or a redis that
// restarts with its data (appendonly), the next XREAD starts after that id, and everything
// appended meanwhile that MAXLEN has not trimmed arrives, in order. A topic joins at the stream's
// current end (XREVRANGE + - COUNT 1), so a new subscriber does not replay history.
//
// Threading: start(), stop() and destruction on the loop's thread (or before it runs);
// follow() and forget() from any thread; `deliver` runs on the loop thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "net/event_loop.hpp"
#include "net/timer.hpp"
#include "redis/client.hpp"

namespace wire::cluster {

class StreamReader {
  public:
    using Deliver = std::function<void(std::string_view key, std::span<const std::uint8_t> data)>;

    // `block`: how long one XREAD waits; a topic followed meanwhile joins the next one.
    StreamReader(net::EventLoop& loop, const redis::Options& options,
                 std::chrono::milliseconds block, Deliver deliver);
    ~StreamReader();
    StreamReader(const StreamReader&) = delete;
    StreamReader& operator=(const StreamReader&) = delete;

    void start();
    void stop();

    void follow(const std::string& key);
    void forget(const std::string& key);

    // The field each entry carries its message in.
    static constexpr std::string_view field = "m";
    [[nodiscard]] redis::Client& client() noexcept { return client_; }

  private:
    struct Position {
        std::string last_id;  // empty until the stream's end is known
        bool resolving = false;
    };
    void pump();
    void resolve(const std::string& key);
    void on_entries(const redis::Reply& reply);
    void retry_soon();

    net::EventLoop& loop_;
    std::chrono::milliseconds block_;
    Deliver deliver_;
    std::mutex mu_;
    std::map<std::string, Position> streams_;
    bool reading_ = false;  // loop thread
    bool stopped_ = true;   // loop thread
    net::Timer retry_;
    redis::Client client_;  // last: destroyed first, while the rest is still whole
};

}  // namespace wire::cluster
