// A raw-socket peer for the RFC 6455 conformance suite (conformance_*_test.cpp), in the spirit
// of Autobahn's fuzzing client: it sends crafted bytes to our Conn and checks the bytes that come
// back. Our side runs the usual echo application (read_message, write_message the same, and on
// any read error close()), once as a server Conn and once as a client Conn, so every rule is
// checked for both roles. The peer has its own small frame decoder, independent of FrameReader.
// With WIRE_CONFORMANCE_FIBERS set, our echo runs on a fiber of an event loop (net/fiber.hpp)
// instead of a thread, so every blocking call parks on the loop: fiber_conn_test.cpp re-runs the
// suite so.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "net/conn.hpp"
#include "net/fiber.hpp"
#include "tests/net/helpers.hpp"
#include "websocket/conn.hpp"

namespace wire::websocket::test {

using namespace std::chrono_literals;

struct RawFrame {
    bool fin = true;
    std::uint8_t rsv = 0;  // the three bits, as in the first byte (0x70 mask)
    std::uint8_t opcode = 0;
    bool masked = false;
    std::string payload;  // unmasked
};

// Bytes of one frame with any header we like, including ones the RFC forbids.
struct Craft {
    std::uint8_t opcode = 1;
    std::string payload;
    bool fin = true;
    std::uint8_t rsv = 0;                   // 0x40, 0x20, 0x10
    int length_form = -1;                   // force 7-bit (0), 16-bit (126), 64-bit (127) forms
    std::uint64_t declared_length = ~0ull;  // lie about the length (default: the real one)
    std::optional<bool> mask;               // default: what the peer's role must do

    Craft& not_final() {
        fin = false;
        return *this;
    }
    Craft& with_rsv(std::uint8_t bits) {
        rsv = bits;
        return *this;
    }
    Craft& with_length_form(int form) {
        length_form = form;
        return *this;
    }
    Craft& declaring(std::uint64_t n) {
        declared_length = n;
        return *this;
    }
    Craft& masked(bool on) {
        mask = on;
        return *this;
    }
};

inline Craft craft(std::uint8_t opcode, std::string payload) {
    Craft c;
    c.opcode = opcode;
    c.payload = std::move(payload);
    return c;
}

class Harness {
  public:
    // `our_role`: what our Conn plays; the raw peer plays the other side.
    // `deflate`: permessage-deflate agreed as these parameters (RFC 7692), our Conn compressing
    // every message it sends; the raw peer then may set RSV1 and must accept it.
    explicit Harness(Role our_role, std::uint64_t read_limit = 16 * 1024 * 1024,
                     std::optional<DeflateParams> deflate = std::nullopt)
        : role_(our_role), allowed_rsv_(deflate ? 0x40 : 0) {
        auto [a, b] = net::test::conn_pair();
        raw_ = std::move(a);
        ConnOptions o;
        o.role = our_role;
        o.read_limit = read_limit;
        o.deflate = deflate;
        o.compression.threshold = 0;
        conn_ = Conn(std::move(b), o);
        if (std::getenv("WIRE_CONFORMANCE_FIBERS") != nullptr) {
            loop_ = std::make_unique<net::EventLoop>();
            net::go(*loop_, [this] {
                run_echo();
                loop_->stop();
            });
            echo_ = std::thread([this] { loop_->run(); });
        } else {
            echo_ = std::thread([this] { run_echo(); });
        }
    }
    ~Harness() {
        raw_.close();
        if (echo_.joinable()) echo_.join();
    }
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    Role role() const noexcept { return role_; }
    // A client peer must mask (our role is server); a server peer must not.
    bool peer_masks() const noexcept { return role_ == Role::server; }

    std::string frame(const Craft& c) const {
        const bool masked = c.mask.value_or(peer_masks());
        const std::uint64_t len = c.declared_length != ~0ull ? c.declared_length : c.payload.size();
        std::string out;
        out.push_back(static_cast<char>((c.fin ? 0x80 : 0) | c.rsv | c.opcode));
        const std::uint8_t m = masked ? 0x80 : 0;
        int form = c.length_form;
        if (form < 0) form = len < 126 ? 0 : len < 65536 ? 126 : 127;
        if (form == 0) {
            out.push_back(static_cast<char>(m | len));
        } else if (form == 126) {
            out.push_back(static_cast<char>(m | 126));
            for (int s = 8; s >= 0; s -= 8)
                out.push_back(static_cast<char>(len >> s));
        } else {
            out.push_back(static_cast<char>(m | 127));
            for (int s = 56; s >= 0; s -= 8)
                out.push_back(static_cast<char>(len >> s));
        }
        const char key[4] = {'\x12', '\x5a', '\x99', '\x07'};
        if (masked) out.append(key, 4);
        for (std::size_t i = 0; i < c.payload.size(); ++i) {
            out.push_back(masked ? static_cast<char>(c.payload[i] ^ key[i % 4]) : c.payload[i]);
        }
        return out;
    }

    void send(const std::string& bytes) { REQUIRE(raw_.write(bytes)); }
    void send(const Craft& c) { send(frame(c)); }
    // Sends one byte per write, to cross every read boundary on our side.
    void send_slowly(const std::string& bytes) {
        for (char ch : bytes)
            REQUIRE(raw_.write(&ch, 1));
    }

    // The next frame from our Conn, or nothing at EOF / timeout. Checks the masking rule.
    std::optional<RawFrame> receive(std::chrono::milliseconds timeout = 5s) {
        raw_.set_read_deadline(net::Conn::Clock::now() + timeout);
        std::uint8_t h[2];
        if (!read_exactly(h, 2)) return std::nullopt;
        RawFrame f;
        f.fin = (h[0] & 0x80) != 0;
        f.rsv = h[0] & 0x70;
        f.opcode = h[0] & 0x0F;
        f.masked = (h[1] & 0x80) != 0;
        std::uint64_t len = h[1] & 0x7F;
        if (len >= 126) {
            std::uint8_t ext[8];
            const std::size_t n = len == 126 ? 2 : 8;
            if (!read_exactly(ext, n)) return std::nullopt;
            len = 0;
            for (std::size_t i = 0; i < n; ++i)
                len = (len << 8) | ext[i];
        }
        std::uint8_t key[4] = {};
        if (f.masked && !read_exactly(key, 4)) return std::nullopt;
        f.payload.resize(static_cast<std::size_t>(len));
        if (len > 0 && !read_exactly(f.payload.data(), f.payload.size())) return std::nullopt;
        for (std::size_t i = 0; f.masked && i < f.payload.size(); ++i) {
            f.payload[i] = static_cast<char>(f.payload[i] ^ key[i % 4]);
        }
        // RFC 6455 §5.1: a client masks every frame, a server none.
        CHECK(f.masked == (role_ == Role::client));
        CHECK((f.rsv & ~allowed_rsv_) == 0);
        return f;
    }

    // The next whole message (reassembling fragments; control frames are skipped).
    std::optional<RawFrame> receive_message() {
        std::optional<RawFrame> msg;
        for (;;) {
            auto f = receive();
            if (!f) return std::nullopt;
            if (f->opcode >= 8) continue;
            if (!msg) {
                msg = f;
            } else {
                CHECK(f->opcode == 0);
                msg->payload += f->payload;
            }
            if (f->fin) return msg;
        }
    }

    // Expects a close frame with `code` (0: an empty close payload), then the end of the stream.
    // `answer`: our side started the close, so the peer answers it before expecting EOF.
    void expect_close(std::uint16_t code, bool answer = true) {
        auto f = receive();
        REQUIRE(f);
        CHECK(f->opcode == 0x8);
        if (code == 0) {
            CHECK(f->payload.empty());
        } else {
            REQUIRE(f->payload.size() >= 2);
            const auto got =
                static_cast<std::uint16_t>((static_cast<std::uint8_t>(f->payload[0]) << 8) |
                                           static_cast<std::uint8_t>(f->payload[1]));
            CHECK(got == code);
            // A failure (our side answers it) names the rule that was broken: the error's
            // message is the reason. An echoed close carries only the code.
            if (answer && (code == 1002 || code == 1007)) {
                CHECK_MESSAGE(f->payload.find("RFC") != std::string::npos, f->payload);
            }
        }
        // Complete the closing handshake as a polite peer does (RFC 6455 §5.5.1), then the
        // other side must close TCP.
        if (answer) {
            Craft echo;
            echo.opcode = 0x8;
            echo.payload = f->payload.substr(0, 2);
            (void)raw_.write(frame(echo));
            (void)raw_.shutdown_write();
        }
        expect_eof();
    }

    // Our side closed TCP (after its close frame), without sending anything more.
    void expect_eof() {
        raw_.set_read_deadline(net::Conn::Clock::now() + 5s);
        char c;
        auto n = raw_.read(&c, 1);
        CHECK((!n || *n == 0));
    }

    void expect_echo(std::uint8_t opcode, const std::string& payload) {
        auto m = receive_message();
        REQUIRE(m);
        CHECK(m->opcode == opcode);
        CHECK(m->payload == payload);
    }

  private:
    bool read_exactly(void* data, std::size_t n) {
        auto* p = static_cast<char*>(data);
        while (n > 0) {
            auto got = raw_.read(p, n);
            if (!got || *got == 0) return false;
            p += *got;
            n -= *got;
        }
        return true;
    }

    void run_echo() {
        for (;;) {
            auto m = conn_.read_message();
            if (!m) break;
            if (!conn_.write_message(m->type, m->data)) break;
        }
        (void)conn_.close(close_code::normal, "", 2s);
    }

    Role role_;
    std::uint8_t allowed_rsv_;
    std::unique_ptr<net::EventLoop> loop_;  // fiber mode only; outlives conn_
    net::Conn raw_;
    Conn conn_;
    std::thread echo_;
};

inline const char* role_name(Role r) {
    return r == Role::server ? "our server Conn" : "our client Conn";
}

}  // namespace wire::websocket::test
