// WorkerPool: the threads that run handlers when Server::worker_threads > 0. Each thread owns an
// Exchange (parser, request, response, output arena), so a request allocates nothing there
// either. Connections are handed over whole: the loop stops watching a connection until its
// worker posts it back.
// wire:glue
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace wire::http::detail {

class ServerCore;
class ServerConn;

class WorkerPool {
  public:
    WorkerPool(ServerCore& core, std::size_t threads);
    ~WorkerPool();  // finishes queued work, then joins
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    void submit(ServerConn* conn);

  private:
    void work();

    ServerCore& core_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<ServerConn*> queue_;  // guarded by mu_
    bool stop_ = false;              // guarded by mu_
    std::vector<std::thread> threads_;
};

}  // namespace wire::http::detail
