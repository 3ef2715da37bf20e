// Shared by the redis tests: a loop on its own thread, running code on it, and a fake redis
// server on loopback that follows a script (for what a real server never sends).
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "net/conn.hpp"
#include "net/event_loop.hpp"
#include "net/listener.hpp"

namespace wire::redis::test {

struct LoopThread {
    net::EventLoop loop;
    std::thread thread{[this] { (void)loop.run(); }};
    ~LoopThread() {
        loop.stop();
        thread.join();
    }
    // Runs `f` on the loop thread and waits for it.
    template <class F>
    void run(F f) {
        std::promise<void> done;
        loop.post([&] {
            f();
            done.set_value();
        });
        done.get_future().wait();
    }
};

// Accepts connections one after the other on 127.0.0.1 and hands each to `script` on a thread
// of its own. The script reads and writes with deadlines; it ends the connection by returning.
class FakeServer {
  public:
    using Script = std::function<void(net::Conn& conn, int index)>;
    explicit FakeServer(Script script) : script_(std::move(script)) {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        if (!l) throw std::system_error(l.error(), "listen");
        listener_ = std::move(*l);
        address_ = listener_.address().to_string();
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeServer() {
        // The serving thread polls `stop_` between 50 ms accept waits; the listener is closed only
        // after it has finished, so no thread closes a socket another is still accepting on.
        stop_ = true;
        thread_.join();
        (void)listener_.close();
    }
    [[nodiscard]] const std::string& address() const { return address_; }
    [[nodiscard]] int accepted() const { return accepted_.load(); }

    // Reads until `text` has arrived (or 2 s pass); returns what was read.
    static std::string read_until(net::Conn& c, std::string_view text) {
        std::string got;
        c.set_read_deadline(net::Conn::Clock::now() + std::chrono::seconds(2));
        char buf[4096];
        while (got.find(text) == std::string::npos) {
            auto n = c.read(buf, sizeof buf);
            if (!n || *n == 0) break;
            got.append(buf, *n);
        }
        return got;
    }

  private:
    void serve() {
        int index = 0;
        while (!stop_) {
            auto s = listener_.accept_wait(std::chrono::milliseconds(50));
            if (!s) continue;
            ++accepted_;
            net::Conn c(std::move(*s));
            script_(c, index++);
        }
    }

    Script script_;
    net::Listener listener_;
    std::string address_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
};

}  // namespace wire::redis::test
