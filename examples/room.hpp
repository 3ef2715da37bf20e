// room.hpp: the set of connections a message is broadcast to (seed 003's system-message push;
// the demo's chat shows the event-driven alternative, websocket::Hub). Each member is a
// channel-style Connection (connection.hpp), so a broadcast only queues the message for each
// member's write loop: it never blocks on a slow browser, and may run from an event-loop handler
// (POST /api/tool/send_message).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connection.hpp"

namespace example {

class Room {
  public:
    void join(const std::shared_ptr<Connection>& conn) {
        std::lock_guard lock(mu_);
        members_.push_back(conn);
    }
    void leave(const Connection* conn) {
        std::lock_guard lock(mu_);
        std::erase_if(members_, [conn](const auto& m) { return m.get() == conn; });
    }

    // Queues `text` for every member; returns how many took it (a member whose queue is full,
    // a peer far behind, misses this message).
    std::size_t broadcast(const std::string& text) {
        std::vector<std::shared_ptr<Connection>> members;
        {
            std::lock_guard lock(mu_);
            members = members_;  // the copies are queued outside the lock
        }
        std::size_t delivered = 0;
        for (const auto& m : members)
            delivered += m->try_write_message(text) ? 1 : 0;
        return delivered;
    }

    [[nodiscard]] std::size_t size() {
        std::lock_guard lock(mu_);
        return members_.size();
    }

  private:
    std::mutex mu_;
    std::vector<std::shared_ptr<Connection>> members_;
};

}  // namespace example
