// An in-process echo server for the tests: thread per connection, Upgrader::upgrade_connection,
// every message echoed with its type (whole, or with `write_piece` set, through next_writer in
// pieces of that size: fragments). Stops (and joins every thread) on destruction.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "net/listener.hpp"
#include "websocket/upgrader.hpp"

namespace wire::websocket::test {

// Runs each upgraded Conn's echo loop on a thread of its own; joins them at the end.
struct EchoThreads {
    std::mutex mu;
    std::list<std::thread> threads;
    void start(Conn conn) {
        std::lock_guard lock(mu);
        threads.emplace_back([c = std::move(conn)]() mutable {
            for (;;) {
                auto m = c.read_message();
                if (!m) break;
                if (!c.write_message(m->type, m->data)) break;
            }
            (void)c.close(close_code::normal, "", std::chrono::seconds(2));
        });
    }
    ~EchoThreads() {
        for (auto& t : threads)
            t.join();
    }
};

class EchoServer {
  public:
    explicit EchoServer(Upgrader upgrader = {}, std::size_t write_piece = 0)
        : upgrader_(std::move(upgrader)), write_piece_(write_piece) {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        if (!l) throw std::system_error(l.error(), "listen");
        listener_ = std::move(*l);
        accept_thread_ = std::thread([this] { accept_loop(); });
    }
    ~EchoServer() {
        stop_ = true;
        accept_thread_.join();
        std::lock_guard lock(mu_);
        for (auto& c : conns_)
            c.abort();
        for (auto& t : threads_)
            t.join();
    }
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    int port() const { return listener_.address().port(); }
    std::string url(const std::string& path = "/") const {
        return "ws://127.0.0.1:" + std::to_string(port()) + path;
    }
    // Errors that ended each connection's read loop (close codes, protocol errors...).
    std::vector<std::error_code> endings() {
        std::lock_guard lock(mu_);
        return endings_;
    }

  private:
    void accept_loop() {
        while (!stop_) {
            auto s = listener_.accept_wait(std::chrono::milliseconds(20));
            if (!s) continue;
            std::lock_guard lock(mu_);
            threads_.emplace_back(
                [this, sock = std::move(*s)]() mutable { serve(std::move(sock)); });
        }
    }

    void serve(net::Socket sock) {
        auto conn = upgrader_.upgrade_connection(net::Conn(std::move(sock)));
        if (!conn) return;
        Conn* c = nullptr;
        {
            std::lock_guard lock(mu_);
            conns_.push_back(std::move(*conn));
            c = &conns_.back();
        }
        std::error_code ending;
        for (;;) {
            auto m = c->read_message();
            if (!m) {
                ending = m.error();
                break;
            }
            if (!echo(*c, *m)) break;
        }
        (void)c->close(close_code::normal, "", std::chrono::seconds(2));
        std::lock_guard lock(mu_);
        endings_.push_back(ending);
    }

    bool echo(Conn& c, const Message& m) {
        if (write_piece_ == 0) return c.write_message(m.type, m.data).has_value();
        auto w = c.next_writer(m.type);
        if (!w) return false;
        const std::string_view data = m.text();
        for (std::size_t at = 0; at < data.size(); at += write_piece_) {
            if (!w->write(data.substr(at, write_piece_))) return false;
        }
        return w->close().has_value();
    }

    Upgrader upgrader_;
    std::size_t write_piece_;
    net::Listener listener_;
    std::atomic<bool> stop_{false};
    std::thread accept_thread_;
    std::mutex mu_;
    std::list<Conn> conns_;  // stable addresses; aborted at shutdown to end blocked reads
    std::list<std::thread> threads_;
    std::vector<std::error_code> endings_;
};

}  // namespace wire::websocket::test
