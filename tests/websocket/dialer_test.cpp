// Dialer: URL parsing, the handshake against small in-process servers that answer right and
// wrong, the CONNECT proxy, and the handshake timeout.
#include "websocket/dialer.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "http/error.hpp"
#include "net/error.hpp"
#include "net/listener.hpp"
#include "tests/net/helpers.hpp"
#include "websocket/error.hpp"
#include "websocket/handshake.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

// Reads a request head (up to the blank line) from a raw connection.
std::string read_head(net::Conn& c) {
    std::string head;
    char ch;
    c.set_read_deadline(net::Conn::Clock::now() + 5s);
    while (head.find("\r\n\r\n") == std::string::npos) {
        auto n = c.read(&ch, 1);
        if (!n || *n == 0) break;
        head.push_back(ch);
    }
    return head;
}

std::string field(const std::string& head, const std::string& name) {
    const auto at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 4;
    return head.substr(start, head.find("\r\n", start) - start);
}

std::string accept_for(const std::string& request) {
    return std::string(compute_accept(field(request, "Sec-WebSocket-Key")).view());
}

// A one-connection server that hands the accepted connection to `script`.
struct ScriptServer {
    net::Listener listener;
    std::thread thread;
    std::string request;

    explicit ScriptServer(std::function<void(net::Conn&, std::string&)> script) {
        auto l = net::Listener::listen(net::Address::ipv4_loopback(0));
        REQUIRE(l);
        listener = std::move(*l);
        thread = std::thread([this, script = std::move(script)] {
            auto s = listener.accept_wait(5s);
            if (!s) return;
            net::Conn c(std::move(*s));
            script(c, request);
        });
    }
    ~ScriptServer() {
        if (thread.joinable()) thread.join();
    }
    std::string url(std::string_view path = "/") const {
        return "ws://127.0.0.1:" + std::to_string(listener.address().port()) + std::string(path);
    }
};

}  // namespace

TEST_CASE("parse_ws_url: host, port, target, authority") {
    auto u = parse_ws_url("ws://example.com:9000/chat?room=1");
    REQUIRE(u);
    CHECK(u->host == "example.com");
    CHECK(u->port == 9000);
    CHECK(u->target == "/chat?room=1");
    CHECK(u->authority == "example.com:9000");
    CHECK(u->host_port() == "example.com:9000");

    u = parse_ws_url("WS://[::1]");
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->port == 80);
    CHECK(u->target == "/");
    CHECK(u->host_port() == "[::1]:80");

    u = parse_ws_url("ws://h?x=1");
    REQUIRE(u);
    CHECK(u->target == "/?x=1");

    CHECK(parse_ws_url("wss://example.com/").error() == Error::unsupported_scheme);
    CHECK(parse_ws_url("ftp://example.com/").error() == Error::unsupported_scheme);
    for (const char* bad :
         {"example.com", "ws://", "ws://:80/", "ws://h:0/", "ws://h:65536/", "ws://h:x/",
          "ws://h:/", "ws://u@h/", "ws://h/#frag", "ws://[::1/", "ws://h/a b"}) {
        CAPTURE(bad);
        CHECK(parse_ws_url(bad).error() == Error::bad_url);
    }
}

TEST_CASE("dial: the request carries the handshake fields, extra headers and subprotocols") {
    ScriptServer server([](net::Conn& c, std::string& request) {
        request = read_head(c);
        const std::string answer =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " +
            accept_for(request) +
            "\r\nSec-WebSocket-Protocol: b\r\n\r\n"
            "\x81\x05hello";  // a frame right behind the 101: must not be lost
        (void)c.write(answer);
        char buf[64];
        (void)c.read(buf, sizeof buf);  // wait for the client's close
    });
    Dialer d;
    d.subprotocols = {"a", "b"};
    http::Header extra;
    extra.add("Origin", "http://example.com");
    HandshakeResponse response;
    auto conn = d.dial(server.url("/path?q=1"), extra, &response);
    REQUIRE(conn);
    CHECK(conn->subprotocol() == "b");
    CHECK(response.status == 101);
    CHECK(response.header.get("Sec-WebSocket-Protocol") == "b");
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "hello");
    conn->abort();
    server.thread.join();
    const auto& req = server.request;
    CHECK(req.rfind("GET /path?q=1 HTTP/1.1\r\n", 0) == 0);
    CHECK(field(req, "Host") == "127.0.0.1:" + std::to_string(server.listener.address().port()));
    CHECK(field(req, "Upgrade") == "websocket");
    CHECK(field(req, "Connection") == "Upgrade");
    CHECK(field(req, "Sec-WebSocket-Version") == "13");
    CHECK(field(req, "Sec-WebSocket-Key").size() == 24);
    CHECK(field(req, "Sec-WebSocket-Protocol") == "a, b");
    CHECK(field(req, "Origin") == "http://example.com");
}

TEST_CASE("dial: a refused upgrade returns the server's status and body") {
    ScriptServer server([](net::Conn& c, std::string& request) {
        request = read_head(c);
        (void)c.write(
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
            "origin refused");
    });
    HandshakeResponse response;
    auto conn = Dialer{}.dial(server.url(), {}, &response);
    CHECK(conn.error() == Error::handshake_bad_status);
    CHECK(response.status == 403);
    CHECK(response.reason == "Forbidden");
    CHECK(response.header.get("Content-Type") == "text/plain");
    CHECK(response.body == "origin refused");
}

TEST_CASE("dial: a wrong accept value or an unoffered subprotocol fails the handshake") {
    SUBCASE("accept") {
        ScriptServer server([](net::Conn& c, std::string& request) {
            request = read_head(c);
            (void)c.write(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        });
        CHECK(Dialer{}.dial(server.url()).error() == Error::handshake_bad_accept);
    }
    SUBCASE("subprotocol") {
        ScriptServer server([](net::Conn& c, std::string& request) {
            request = read_head(c);
            (void)c.write(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " +
                accept_for(request) + "\r\nSec-WebSocket-Protocol: other\r\n\r\n");
        });
        CHECK(Dialer{}.dial(server.url()).error() == Error::handshake_unoffered_subprotocol);
    }
    SUBCASE("garbage") {
        ScriptServer server([](net::Conn& c, std::string& request) {
            request = read_head(c);
            (void)c.write("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        });
        CHECK(Dialer{}.dial(server.url()).error().category() == http::http_category());
    }
}

TEST_CASE("dial: the handshake timeout bounds a server that never answers") {
    std::atomic<bool> done{false};
    ScriptServer server([&](net::Conn& c, std::string& request) {
        request = read_head(c);
        while (!done.load())
            std::this_thread::sleep_for(5ms);
        (void)c;
    });
    Dialer d;
    d.handshake_timeout = 150ms;
    const auto start = Clock::now();
    auto conn = d.dial(server.url());
    done = true;
    CHECK(net::is_timeout(conn.error()));
    CHECK(Clock::now() - start < 3s);
}

TEST_CASE("dial: extra headers may not replace the handshake's own fields") {
    http::Header extra;
    extra.add("Sec-WebSocket-Key", "x");
    CHECK(Dialer{}.dial("ws://127.0.0.1:1/", extra).error() == Error::duplicate_header);
    Dialer d;
    d.subprotocols = {"chat"};
    http::Header proto;
    proto.add("Sec-WebSocket-Protocol", "x");
    CHECK(d.dial("ws://127.0.0.1:1/", proto).error() == Error::duplicate_header);
}

TEST_CASE("dial through an HTTP CONNECT proxy, with credentials and proxy headers") {
    // The origin: answers the handshake and echoes one message.
    ScriptServer origin([](net::Conn& c, std::string& request) {
        request = read_head(c);
        (void)c.write(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
            accept_for(request) + "\r\n\r\n");
        char frame[64];
        auto n = c.read(frame, sizeof frame);  // "hi", masked: 2 + 4 + 2 bytes
        REQUIRE(n);
        REQUIRE(*n == 8);
        const std::string payload{static_cast<char>(frame[6] ^ frame[2]),
                                  static_cast<char>(frame[7] ^ frame[3])};
        (void)c.write("\x81\x02" + payload);
        (void)c.read(frame, sizeof frame);
    });
    const auto origin_port = origin.listener.address().port();
    // The proxy: checks CONNECT, then relays bytes both ways.
    std::string connect_head;
    ScriptServer proxy([&](net::Conn& client, std::string& request) {
        request = read_head(client);
        auto upstream = net::dial("127.0.0.1:" + std::to_string(origin_port), 5s);
        REQUIRE(upstream);
        (void)client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        client.set_read_deadline({});
        std::thread up([&] {
            char buf[4096];
            for (;;) {
                auto n = client.read(buf, sizeof buf);
                if (!n || *n == 0 || !upstream->write(buf, *n)) break;
            }
            (void)upstream->shutdown_write();
        });
        char buf[4096];
        for (;;) {
            auto n = upstream->read(buf, sizeof buf);
            if (!n || *n == 0 || !client.write(buf, *n)) break;
        }
        (void)client.shutdown_write();
        up.join();
    });
    Dialer d;
    d.proxy = "http://user:secret@127.0.0.1:" + std::to_string(proxy.listener.address().port());
    d.proxy_header.add("X-Proxy-Token", "t0k3n");
    auto conn = d.dial("ws://127.0.0.1:" + std::to_string(origin_port) + "/");
    REQUIRE(conn);
    REQUIRE(conn->write_message(Opcode::text, "hi"));
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "hi");
    conn->abort();
    origin.thread.join();
    proxy.thread.join();
    const auto& req = proxy.request;
    const std::string target = "127.0.0.1:" + std::to_string(origin_port);
    CHECK(req.rfind("CONNECT " + target + " HTTP/1.1\r\n", 0) == 0);
    CHECK(field(req, "Host") == target);
    CHECK(field(req, "Proxy-Authorization") == "Basic dXNlcjpzZWNyZXQ=");
    CHECK(field(req, "X-Proxy-Token") == "t0k3n");
}

TEST_CASE("dial: a proxy that refuses CONNECT is reported with its answer") {
    ScriptServer proxy([](net::Conn& c, std::string& request) {
        request = read_head(c);
        (void)c.write(
            "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nauth");
    });
    Dialer d;
    d.proxy = "127.0.0.1:" + std::to_string(proxy.listener.address().port());
    HandshakeResponse response;
    CHECK(d.dial("ws://example.invalid/", {}, &response).error() == Error::proxy_refused);
    CHECK(response.status == 407);
    CHECK(response.body == "auth");
}

TEST_CASE("dial: permessage-deflate offers, and answers that fit none of them fail") {
    const auto answer_with = [](std::string extensions) {
        return [extensions](net::Conn& c, std::string& request) {
            request = read_head(c);
            (void)c.write(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: " +
                accept_for(request) + "\r\n" +
                (extensions.empty() ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n") +
                "\r\n");
        };
    };
    Dialer d;
    d.enable_compression = true;
    d.compression.server_max_window_bits = 10;
    SUBCASE("the offer list: preferred first, plain after") {
        ScriptServer server(answer_with(""));
        auto conn = d.dial(server.url());
        REQUIRE(conn);
        CHECK(field(server.request, "Sec-WebSocket-Extensions") ==
              "permessage-deflate; server_max_window_bits=10; client_max_window_bits, "
              "permessage-deflate; client_max_window_bits");
    }
    SUBCASE("no offer without enable_compression, and an answer then is unrequested") {
        ScriptServer server(answer_with("permessage-deflate"));
        CHECK(Dialer{}.dial(server.url()).error() == Error::handshake_unrequested_extension);
        CHECK(field(server.request, "Sec-WebSocket-Extensions").empty());
    }
    SUBCASE("a window the server may choose, since the plain offer named none") {
        ScriptServer server(answer_with("permessage-deflate; server_max_window_bits=12"));
        auto conn = d.dial(server.url());
        REQUIRE(conn);
        REQUIRE(conn->compression() != nullptr);
        CHECK(conn->compression()->server_max_window_bits == 12);
    }
    SUBCASE("a value outside 8..15, or a client window without one") {
        ScriptServer server(answer_with("permessage-deflate; server_max_window_bits=16"));
        CHECK(d.dial(server.url()).error() == Error::handshake_bad_deflate_response);
        ScriptServer again(answer_with("permessage-deflate; client_max_window_bits"));
        CHECK(d.dial(again.url()).error() == Error::handshake_bad_deflate_response);
    }
    SUBCASE("a parameter never offered") {
        ScriptServer server(answer_with("permessage-deflate; x_bits=1"));
        CHECK(d.dial(server.url()).error() == Error::handshake_bad_deflate_response);
    }
    SUBCASE("another extension") {
        ScriptServer server(answer_with("x-webkit-deflate-frame"));
        CHECK(d.dial(server.url()).error() == Error::handshake_unrequested_extension);
    }
}
