// A scripted raw-socket HTTP server for client tests: a thread accepts connections on
// 127.0.0.1 and runs the test's script on each, so a test can send exactly the bytes it wants
// (chunked, close-delimited, malformed, slow) and see exactly the requests that arrived.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/conn.hpp"
#include "net/listener.hpp"

namespace wire::http::test {

// One accepted connection with a little reading help for the script.
class ScriptConn {
  public:
    explicit ScriptConn(net::Conn conn) : conn_(std::move(conn)) {}

    // The next request: its head and (by Content-Length) its body, as raw text; "" when the
    // client closed the connection first.
    std::string read_request() {
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill()) return {};
        }
        std::size_t total = end + 4;
        const std::string head = buf_.substr(0, total);
        const std::size_t cl = lower(head).find("\r\ncontent-length:");
        if (cl != std::string::npos) total += std::stoul(head.substr(cl + 17));
        while (buf_.size() < total) {
            if (!fill()) return {};
        }
        std::string req = buf_.substr(0, total);
        buf_.erase(0, total);
        return req;
    }
    void write(std::string_view bytes) { (void)conn_.write(bytes); }
    net::Conn& conn() { return conn_; }

  private:
    static std::string lower(std::string s) {
        for (char& c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }
    bool fill() {
        char tmp[4096];
        conn_.set_read_deadline(net::Conn::Clock::now() + std::chrono::seconds(5));
        auto n = conn_.read(tmp, sizeof tmp);
        if (!n || *n == 0) return false;
        buf_.append(tmp, *n);
        return true;
    }
    net::Conn conn_;
    std::string buf_;
};

class ScriptServer {
  public:
    using Script = std::function<void(ScriptConn&)>;

    explicit ScriptServer(Script script) : script_(std::move(script)) {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        if (!l) throw std::system_error(l.error(), "listen");
        listener_ = std::move(*l);
        thread_ = std::thread([this] { run(); });
    }
    ~ScriptServer() {
        stop_ = true;
        thread_.join();
        for (auto& t : conns_)
            t.join();
    }

    std::string url(std::string_view path = "/") const {
        return "http://" + listener_.address().to_string() + std::string(path);
    }
    int accepted() const { return accepted_.load(); }
    // Every request the scripts read, in arrival order.
    std::vector<std::string> requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }
    void record(std::string r) {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(r));
    }

  private:
    void run() {
        while (!stop_) {
            auto s = listener_.accept_wait(std::chrono::milliseconds(20));
            if (!s) continue;
            ++accepted_;
            conns_.emplace_back([this, sock = std::move(*s)]() mutable {
                ScriptConn c{net::Conn(std::move(sock))};
                script_(c);
            });
        }
    }

    Script script_;
    net::Listener listener_;
    std::thread thread_;
    std::vector<std::thread> conns_;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::mutex mu_;
    std::vector<std::string> requests_;
};

}  // namespace wire::http::test
