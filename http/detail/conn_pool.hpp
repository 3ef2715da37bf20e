// wire:glue
// ConnPool: the client's idle keep-alive connections, per host (Go's Transport idle pool).
// Thread-safe: several threads may share one Client.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/detail/client_conn.hpp"

namespace wire::http::detail {

class ConnPool {
  public:
    using Clock = std::chrono::steady_clock;

    // The most recently idled live connection for `key`, or null. Connections idle longer than
    // `idle_timeout`, or that the server closed (or wrote to, unasked) while idle, are dropped.
    std::unique_ptr<ClientConn> take(const std::string& key,
                                     std::chrono::milliseconds idle_timeout);
    // Keeps `conn` for reuse unless `max_idle_per_host` are already kept for its key.
    void put(std::unique_ptr<ClientConn> conn, std::size_t max_idle_per_host);
    void clear();
    [[nodiscard]] std::size_t idle_count() const;

  private:
    mutable std::mutex mu_;
    std::unordered_map<std::string, std::vector<std::unique_ptr<ClientConn>>> idle_;
};

}  // namespace wire::http::detail
