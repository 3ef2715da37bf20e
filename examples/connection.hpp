// connection.hpp: seed 001's channel-style wrapper around a WebSocket connection, in C++.
//
// The seed's Go type wraps gorilla's *websocket.Conn with two goroutines and three channels:
//   readLoop   reads messages from the socket into inChan (capacity 1000)
//   writeLoop  takes messages from outChan (capacity 1000) and writes them to the socket
//   closeChan  closed once by Close(); every blocked select then returns "connection is closed"
// so that any number of goroutines may call ReadMessage and WriteMessage, and Close is safe to
// call from any of them, any number of times.
//
// Here the goroutines are two threads and the channels are two bounded queues guarded by one
// mutex, with condition variables standing in for select. The one WebSocket reader and the one
// WebSocket writer are the two threads, which is exactly the concurrency websocket::Conn allows.
//
// Lifetime: hold it in a shared_ptr (the threads are joined by the destructor, which closes
// first). Messages are copied into std::string: the queues outlive the Conn's read buffer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "net/error.hpp"
#include "net/result.hpp"
#include "websocket/conn.hpp"

namespace example {

class Connection {
  public:
    static constexpr std::size_t kQueueCapacity = 1000;  // the seed's make(chan []byte, 1000)

    // InitConnection: takes the upgraded connection and starts the read and write loops.
    explicit Connection(wire::websocket::Conn ws) : ws_(std::move(ws)) {
        reader_ = std::thread([this] { read_loop(); });
        writer_ = std::thread([this] { write_loop(); });
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        close();
        reader_.join();
        writer_.join();
    }

    // The next message from the peer; net::Error::closed once the connection is closed.
    wire::net::Result<std::string> read_message() {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [this] { return !in_.empty() || closed_; });
        if (closed_) return wire::net::Error::closed;  // the seed returns at once too
        std::string data = std::move(in_.front());
        in_.pop_front();
        changed_.notify_all();  // the read loop may be waiting for room
        return data;
    }

    // Queues a text message for the write loop; blocks while 1000 are already waiting.
    wire::net::Result<void> write_message(std::string data) {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [this] { return out_.size() < kQueueCapacity || closed_; });
        if (closed_) return wire::net::Error::closed;
        out_.push_back(std::move(data));
        changed_.notify_all();
        return {};
    }

    // write_message for callers that must not block (a broadcast from an event-loop handler):
    // false, and nothing queued, when the queue is full or the connection closed. A peer that
    // reads too slowly loses messages instead of stalling the sender.
    bool try_write_message(std::string data) {
        {
            std::lock_guard lock(mu_);
            if (closed_ || out_.size() >= kQueueCapacity) return false;
            out_.push_back(std::move(data));
        }
        changed_.notify_all();
        return true;
    }

    // Sleeps up to `timeout`, waking early when the connection closes; true once closed. (A
    // heartbeat loop waits here instead of sleeping, so it ends as soon as the connection does.)
    template <class Rep, class Period>
    bool wait_closed_for(std::chrono::duration<Rep, Period> timeout) {
        std::unique_lock lock(mu_);
        return changed_.wait_for(lock, timeout, [this] { return closed_; });
    }

    // Thread-safe and idempotent: the first call closes the socket and wakes every waiter.
    // Like gorilla's Conn.Close, the socket is closed without a closing handshake: abort()
    // makes the read loop's blocked read return at once. (A peer that sent a close frame has
    // already had it echoed by the Conn before the read loop saw the error.)
    void close() {
        {
            std::lock_guard lock(mu_);
            if (closed_) return;
            closed_ = true;
        }
        changed_.notify_all();
        ws_.abort();
    }

    // close(), but with a closing handshake first: the peer gets a close frame with `code`
    // (a server going down sends 1001, going away) before the socket closes. Blocks up to
    // `timeout` for the peer's answer.
    void close_with(std::uint16_t code, std::chrono::milliseconds timeout) {
        {
            std::lock_guard lock(mu_);
            if (closed_) return;
        }
        (void)ws_.close(code, {}, timeout);  // safe from any thread, beside the two loops
        close();
    }

    [[nodiscard]] bool closed() {
        std::lock_guard lock(mu_);
        return closed_;
    }

  private:
    void read_loop() {
        for (;;) {
            auto message = ws_.read_message();
            if (!message) break;  // a close frame, an EOF, a protocol error: all end the loop
            std::unique_lock lock(mu_);
            // A full inChan blocks here until the application reads (backpressure).
            changed_.wait(lock, [this] { return in_.size() < kQueueCapacity || closed_; });
            if (closed_) break;
            in_.emplace_back(message->text());
            changed_.notify_all();
        }
        close();
    }

    void write_loop() {
        for (;;) {
            std::string data;
            {
                std::unique_lock lock(mu_);
                changed_.wait(lock, [this] { return !out_.empty() || closed_; });
                if (closed_) break;
                data = std::move(out_.front());
                out_.pop_front();
                changed_.notify_all();
            }
            if (!ws_.write_message(wire::websocket::Opcode::text, data)) break;
        }
        close();
    }

    wire::websocket::Conn ws_;
    std::mutex mu_;
    std::condition_variable changed_;  // any change to in_, out_ or closed_
    std::deque<std::string> in_;       // inChan
    std::deque<std::string> out_;      // outChan
    bool closed_ = false;              // closeChan closed
    std::thread reader_;
    std::thread writer_;
};

}  // namespace example
