// Shared by the server tests: a Server running on a thread on a free loopback port, and a raw
// client that sends exact bytes and parses what comes back with the codec's response parser.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "http/body_reader.hpp"
#include "http/handler.hpp"
#include "http/parser.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/server.hpp"
#include "net/conn.hpp"
#include "net/dial.hpp"
#include "net/error.hpp"

namespace wire::http::test {

using namespace std::chrono_literals;

// A Server on 127.0.0.1:0 served from a background thread; closed and joined on destruction.
class TestServer {
  public:
    explicit TestServer(HandlerPtr handler, const std::function<void(Server&)>& configure = {}) {
        server.addr = "127.0.0.1:0";
        server.handler = std::move(handler);
        server.log = [](std::string_view) {};
        if (configure) configure(server);
        auto listening = server.listen();
        REQUIRE(listening);
        thread_ = std::thread([this] { result = server.serve(); });
    }
    ~TestServer() {
        server.close();
        if (thread_.joinable()) thread_.join();
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    std::string address() const { return server.address().to_string(); }
    std::uint16_t port() const { return server.address().port(); }
    // Waits for serve() to return (after shutdown()).
    void join() {
        if (thread_.joinable()) thread_.join();
    }

    Server server;
    net::Result<void> result;

  private:
    std::thread thread_;
};

struct Response {
    int status = 0;
    int version_minor = 1;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    bool chunked = false;

    // The first value of `name` (case-insensitive), or "".
    std::string get(std::string_view name) const {
        for (const auto& [k, v] : fields) {
            if (k.size() == name.size() &&
                std::equal(k.begin(), k.end(), name.begin(),
                           [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                return v;
            }
        }
        return {};
    }
    bool has(std::string_view name) const {
        for (const auto& [k, v] : fields) {
            if (k.size() == name.size() &&
                std::equal(k.begin(), k.end(), name.begin(),
                           [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
                return true;
            }
        }
        return false;
    }
};

// A raw HTTP/1.1 client over one connection.
class Client {
  public:
    explicit Client(const TestServer& s) : Client(s.address()) {}
    explicit Client(const std::string& address) {
        auto c = net::dial(address, 5s);
        REQUIRE(c);
        conn = std::move(*c);
        conn.set_read_deadline(net::Conn::Clock::now() + 10s);
    }

    void send(std::string_view bytes) {
        auto n = conn.write(bytes);
        REQUIRE(n);
    }

    // Reads one response; `to_head`: it answers a HEAD request (no body whatever it says).
    Response read(bool to_head = false) {
        std::vector<Field> fields(100);
        HeadParser parser(HeadParser::Kind::response, fields);
        for (;;) {
            parser.reset();
            parser.set_response_to_head(to_head);
            const ParseResult r = parser.parse(buf_);
            if (r.done()) return finish(parser, r.consumed);
            REQUIRE_MESSAGE(!r.failed(), "bad response: " << buf_);
            REQUIRE_MESSAGE(fill(), "connection ended before a response: " << buf_);
        }
    }

    // True when the server closes the connection (reads EOF) within `within`.
    bool closed_within(std::chrono::milliseconds within) {
        conn.set_read_deadline(net::Conn::Clock::now() + within);
        char tmp[4096];
        for (;;) {
            auto n = conn.read(tmp, sizeof tmp);
            if (!n) return !net::is_timeout(n.error());  // a reset counts as closed
            if (*n == 0) return true;
        }
    }

    // Bytes read past the last response (e.g. a new protocol's first bytes after a 101).
    std::string take_buffered() { return std::exchange(buf_, {}); }

    net::Conn conn;

  private:
    bool fill() {
        char tmp[16384];
        auto n = conn.read(tmp, sizeof tmp);
        if (!n || *n == 0) return false;
        buf_.append(tmp, *n);
        return true;
    }

    Response finish(HeadParser& parser, std::size_t head_len) {
        Response out;
        const MessageHead& head = parser.head();
        out.status = head.status;
        out.version_minor = head.version_minor;
        for (const Field& f : head.fields)
            out.fields.emplace_back(f.name, f.value);
        out.chunked = head.framing == Framing::chunked;
        BodyReader body;
        body.start(head);
        std::string rest = buf_.substr(head_len);
        buf_.clear();
        while (!body.done()) {
            const BodyResult r = body.read(rest);
            REQUIRE(!r.failed());
            out.body.append(r.data);
            rest.erase(0, r.consumed);
            if (body.done()) break;
            if (rest.empty()) {
                std::swap(buf_, rest);
                if (!fill()) {
                    REQUIRE(head.framing == Framing::until_close);
                    break;
                }
                std::swap(buf_, rest);
            }
        }
        buf_ = std::move(rest);
        return out;
    }

    std::string buf_;
};

// One request on a fresh connection.
inline Response roundtrip(const TestServer& s, std::string_view request, bool to_head = false) {
    Client c(s);
    c.send(request);
    return c.read(to_head);
}

inline std::string get(std::string_view target, std::string_view extra = {}) {
    std::string r = "GET ";
    r.append(target).append(" HTTP/1.1\r\nHost: example.com\r\n").append(extra).append("\r\n");
    return r;
}

}  // namespace wire::http::test
