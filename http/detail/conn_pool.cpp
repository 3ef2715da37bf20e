// wire:glue
#include "http/detail/conn_pool.hpp"

#include <poll.h>

namespace wire::http::detail {
namespace {

// An idle connection must have nothing to read: readable means the server closed it (FIN or
// RST) or sent bytes nobody asked for; either way it cannot carry a request (RFC 9112 §9.3.1).
bool looks_alive(ClientConn& c) {
    pollfd p{c.conn().socket().fd(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

}  // namespace

std::unique_ptr<ClientConn> ConnPool::take(const std::string& key,
                                           std::chrono::milliseconds idle_timeout) {
    std::vector<std::unique_ptr<ClientConn>> expired;  // closed outside the lock
    std::unique_ptr<ClientConn> found;
    {
        std::lock_guard lock(mu_);
        auto it = idle_.find(key);
        if (it == idle_.end()) return nullptr;
        auto& list = it->second;
        const auto now = Clock::now();
        while (!list.empty()) {
            std::unique_ptr<ClientConn> c = std::move(list.back());
            list.pop_back();
            if ((idle_timeout.count() > 0 && now - c->idle_since > idle_timeout) ||
                !looks_alive(*c)) {
                expired.push_back(std::move(c));
                continue;
            }
            found = std::move(c);
            break;
        }
        if (list.empty()) idle_.erase(it);
    }
    if (found) found->reused = true;
    return found;
}

void ConnPool::put(std::unique_ptr<ClientConn> conn, std::size_t max_idle_per_host) {
    conn->idle_since = Clock::now();
    conn->conn().set_deadline(net::Conn::no_deadline);
    std::lock_guard lock(mu_);
    auto& list = idle_[conn->key()];
    if (list.size() >= max_idle_per_host) return;  // `conn` closes as it goes out of scope
    list.push_back(std::move(conn));
}

void ConnPool::clear() {
    std::unordered_map<std::string, std::vector<std::unique_ptr<ClientConn>>> gone;
    std::lock_guard lock(mu_);
    gone.swap(idle_);
}

std::size_t ConnPool::idle_count() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& [key, list] : idle_)
        n += list.size();
    return n;
}

}  // namespace wire::http::detail
