// wire:glue
#include "http/detail/worker_pool.hpp"

#include "http/detail/server_conn.hpp"
#include "http/detail/server_core.hpp"

namespace wire::http::detail {

WorkerPool::WorkerPool(ServerCore& core, std::size_t threads) : core_(core) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i)
        threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
        t.join();
}

void WorkerPool::submit(ServerConn* conn) {
    {
        std::lock_guard lock(mu_);
        queue_.push_back(conn);
    }
    cv_.notify_one();
}

void WorkerPool::work() {
    Exchange ex(core_);
    for (;;) {
        ServerConn* conn;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;
            conn = queue_.front();
            queue_.pop_front();
        }
        conn->run_on_worker(ex);
    }
}

}  // namespace wire::http::detail
