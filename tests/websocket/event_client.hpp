// A compact blocking WebSocket client for the event-driven tests: one socket with a receive
// timeout, masked frames out (RFC 6455 §5.3), frames in through decode_header. Thousands of them
// fit in one test process (one descriptor each, no thread).
#pragma once

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "net/address.hpp"
#include "net/dial.hpp"
#include "net/socket.hpp"
#include "websocket/close.hpp"
#include "websocket/frame.hpp"
#include "websocket/frame_writer.hpp"
#include "websocket/opcode.hpp"

namespace wire::websocket::test {

// Raises RLIMIT_NOFILE to its hard limit (thousands of loopback pairs need two fds each).
inline void raise_fd_limit() {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &r);
    }
}

struct ReceivedFrame {
    Opcode opcode = Opcode::continuation;
    bool fin = true;
    std::string payload;
    std::uint8_t rsv = 0;  // RSV bits (rsv1: a compressed message's first frame, RFC 7692 §6)
    std::uint16_t close_code() const {
        if (payload.size() < 2) return close_code::no_status;
        return static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) |
                                          static_cast<std::uint8_t>(payload[1]));
    }
};

class Client {
  public:
    // Connects and sends an upgrade request for `path`; `extra` adds header lines ("Name: v\r\n").
    static Client open(std::uint16_t port, std::string_view path = "/", std::string_view extra = "",
                       std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==") {
        Client c;
        auto s = net::dial_socket(net::Address::ipv4_loopback(port),
                                  std::chrono::steady_clock::now() + std::chrono::seconds(5));
        if (!s) throw std::system_error(s.error(), "dial");
        c.socket_ = std::move(*s);
        (void)c.socket_.set_nonblocking(false);
        c.set_timeout(std::chrono::seconds(5));
        std::string req =
            "GET " + std::string(path) +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " +
            std::string(key) + "\r\n" + std::string(extra) + "\r\n";
        if (!c.write_all(req)) throw std::runtime_error("write request");
        return c;
    }

    // Reads the response head; returns its status line ("" on failure).
    std::string read_response() {
        for (;;) {
            if (const auto end = buf_.find("\r\n\r\n"); end != std::string::npos) {
                std::string head = buf_.substr(0, end + 4);
                buf_.erase(0, end + 4);
                response_head = head;
                return head.substr(0, head.find("\r\n"));
            }
            if (!fill()) return {};
        }
    }
    std::string response_head;
    std::uint8_t allowed_rsv = 0;  // rsv1 once permessage-deflate is negotiated

    // Open + 101 expected.
    static Client connect(std::uint16_t port, std::string_view path = "/") {
        Client c = open(port, path);
        const std::string status = c.read_response();
        if (status.rfind("HTTP/1.1 101", 0) != 0) throw std::runtime_error("handshake: " + status);
        return c;
    }

    void set_timeout(std::chrono::milliseconds t) {
        timeval tv{};
        tv.tv_sec = static_cast<time_t>(t.count() / 1000);
        tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
        ::setsockopt(socket_.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    // One masked client frame's bytes (empty if it cannot be encoded), for tests that write
    // several at once or cut them where they choose.
    static std::string frame(Opcode op, std::string_view payload, bool fin = true) {
        std::vector<std::uint8_t> out(frame_size(payload.size(), true));
        const MaskKey key{0x11, 0x22, 0x33, 0x44};
        const auto r = encode_frame(
            make_header(op, fin, Role::client, key),
            {reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()}, out);
        if (r.error) return {};
        return {reinterpret_cast<const char*>(out.data()), r.written};
    }
    bool send(Opcode op, std::string_view payload, bool fin = true) {
        const std::string bytes = frame(op, payload, fin);
        return !bytes.empty() && write_all(bytes);
    }
    bool send_close(std::uint16_t code) {
        const std::string body = format_close_message(code, "");
        return send(Opcode::close, body);
    }
    bool write_all(std::string_view bytes) {
        while (!bytes.empty()) {
            auto n = socket_.write(bytes);
            if (!n) return false;
            bytes.remove_prefix(*n);
        }
        return true;
    }

    // The next frame, or nullopt at end of stream, error or timeout.
    std::optional<ReceivedFrame> read_frame() {
        for (;;) {
            FrameHeader h;
            const auto r =
                decode_header({reinterpret_cast<const std::uint8_t*>(buf_.data()), buf_.size()},
                              HeaderOptions{Role::client, allowed_rsv}, h);
            if (r.status == DecodeStatus::error) return std::nullopt;
            if (r.status == DecodeStatus::done && buf_.size() >= r.consumed + h.payload_length) {
                ReceivedFrame f{h.opcode, h.fin,
                                buf_.substr(r.consumed, static_cast<std::size_t>(h.payload_length)),
                                h.rsv};
                buf_.erase(0, r.consumed + static_cast<std::size_t>(h.payload_length));
                return f;
            }
            if (!fill()) return std::nullopt;
        }
    }
    // The next data frame's payload, skipping pings; nullopt otherwise.
    std::optional<std::string> read_message() {
        for (;;) {
            auto f = read_frame();
            if (!f) return std::nullopt;
            if (f->opcode == Opcode::ping || f->opcode == Opcode::pong) continue;
            if (f->opcode == Opcode::close) return std::nullopt;
            return f->payload;
        }
    }
    // True when the server closed TCP (read returns 0) within the socket timeout.
    bool wait_eof() {
        for (;;) {
            char tmp[4096];
            auto n = socket_.read(tmp, sizeof tmp);
            if (!n) return n.error() == std::errc::connection_reset;
            if (*n == 0) return true;
        }
    }
    net::Socket& socket() { return socket_; }

  private:
    bool fill() {
        char tmp[65536];
        auto n = socket_.read(tmp, sizeof tmp);
        if (!n || *n == 0) return false;
        buf_.append(tmp, *n);
        return true;
    }
    net::Socket socket_;
    std::string buf_;
};

}  // namespace wire::websocket::test
