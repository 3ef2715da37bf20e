// RedisServer: a real redis-server for a test, on a free loopback port, with no persistence
// (--save '' --appendonly no) and its files in a temporary directory, stopped by its PID (with its
// process group) when the object goes away. restart() stops it and starts a new one on the same
// port, as an operator restarting redis would.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.hpp"
#include "tests/support/process.hpp"

namespace wire::test {

class RedisServer {
  public:
    // `extra`: more redis-server arguments ("--requirepass", "secret"...).
    explicit RedisServer(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {
        char dir[] = "/tmp/wire-redis-XXXXXX";
        if (::mkdtemp(dir) == nullptr) return;
        dir_ = dir;
        port_ = free_loopback_port();
        start();
    }
    ~RedisServer() {
        stop();
        if (!dir_.empty()) (void)std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    static bool available() { return have_program("redis-server"); }

    // True once it accepts connections (within a bounded wait).
    [[nodiscard]] bool ready() const { return ready_; }
    [[nodiscard]] std::uint16_t port() const { return port_; }
    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    void stop() {
        process_.reset();  // SIGKILL to the process group, then reaped
        ready_ = false;
    }
    bool start() {
        std::vector<std::string> argv{
            "redis-server", "--port",    std::to_string(port_), "--bind",      "127.0.0.1",
            "--save",       "",          "--appendonly",        "no",          "--dir",
            dir_,           "--logfile", dir_ + "/redis.log",   "--daemonize", "no"};
        argv.insert(argv.end(), extra_.begin(), extra_.end());
        process_ = std::make_unique<Process>(argv, std::vector<std::string>{}, /*quiet=*/true);
        ready_ = process_->running() && wait_accepting(std::chrono::seconds(5));
        return ready_;
    }
    bool restart() {
        stop();
        return start();
    }

  private:
    bool wait_accepting(std::chrono::milliseconds limit) const {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(port_);
            const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            ::close(fd);
            if (ok) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    std::vector<std::string> extra_;
    std::string dir_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Process> process_;
    bool ready_ = false;
};

}  // namespace wire::test
