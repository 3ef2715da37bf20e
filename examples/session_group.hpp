// session_group.hpp: Go's `go` statement for the examples, with a way to stop.
//
// A blocking connection (a hijacked socket, a websocket::Conn) needs a thread of its own: server
// handlers run on the event loop and must return quickly. SessionGroup starts those threads and
// remembers how to stop each one, so that Ctrl-C can end them all and main can wait for them:
//
//   SessionGroup sessions;
//   sessions.go([conn] { echo_loop(*conn); }, [conn] { conn->abort(); });
//   server.register_on_shutdown([&] { sessions.stop_all(); });
//   server.listen_and_serve();
//   sessions.wait();
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace example {

class SessionGroup {
  public:
    // Runs `body` on a new thread. `stop` may be called from another thread at shutdown and
    // must make `body` return soon (close its connection). After stop_all(), go() runs nothing.
    void go(std::function<void()> body, std::function<void()> stop) {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        const std::uint64_t id = next_id_++;
        stops_.emplace(id, std::move(stop));
        std::thread([this, id, body = std::move(body)]() mutable {
            body();
            body = nullptr;  // what the body captured (a connection) is gone before wait() returns
            std::lock_guard done_lock(mu_);
            stops_.erase(id);
            done_.notify_all();
        }).detach();
    }

    // Stops every running session (Server::register_on_shutdown calls this).
    // The stops run outside the lock, so a session that ends meanwhile is not held up.
    void stop_all() {
        std::map<std::uint64_t, std::function<void()>> stops;
        {
            std::lock_guard lock(mu_);
            stopping_ = true;
            stops = stops_;
        }
        for (auto& [id, stop] : stops)
            stop();
    }

    // Until every session has returned.
    void wait() {
        std::unique_lock lock(mu_);
        done_.wait(lock, [this] { return stops_.empty(); });
    }

    [[nodiscard]] std::size_t running() {
        std::lock_guard lock(mu_);
        return stops_.size();
    }

  private:
    std::mutex mu_;
    std::condition_variable done_;
    std::map<std::uint64_t, std::function<void()>> stops_;
    std::uint64_t next_id_ = 0;
    bool stopping_ = false;
};

}  // namespace example
