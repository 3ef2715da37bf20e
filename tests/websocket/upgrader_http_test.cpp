// Upgrader::upgrade inside an http::Handler on our http::Server: hijack, 101, a Conn on a thread
// of its own; refusals answered through the ResponseWriter; the error callback.
#include <doctest/doctest.h>

#include <cctype>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"
#include "tests/websocket/echo_server.hpp"
#include "websocket/dialer.hpp"
#include "websocket/error.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

std::string raw_exchange(std::uint16_t port, const std::string& request) {
    auto c = net::dial("127.0.0.1:" + std::to_string(port), 5s);
    REQUIRE(c);
    REQUIRE(c->write(request));
    (void)c->shutdown_write();
    c->set_read_deadline(net::Conn::Clock::now() + 5s);
    std::string out;
    char buf[4096];
    for (;;) {
        auto n = c->read(buf, sizeof buf);
        if (!n || *n == 0) break;
        out.append(buf, *n);
    }
    return out;
}

}  // namespace

TEST_CASE("upgrade inside a handler: hijack, 101 with extra fields, echo on a thread") {
    websocket::test::EchoThreads echo;
    Upgrader upgrader;
    upgrader.subprotocols = {"chat"};
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
        http::Header extra;
        extra.add("X-Served-By", "wire");
        auto conn = upgrader.upgrade(w, r, extra);
        if (conn) echo.start(std::move(*conn));
    });
    http::test::TestServer server(mux);
    Dialer d;
    d.subprotocols = {"chat"};
    HandshakeResponse response;
    auto conn = d.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/ws", {}, &response);
    REQUIRE(conn);
    CHECK(conn->subprotocol() == "chat");
    CHECK(response.header.get("X-Served-By") == "wire");
    for (std::size_t n : {0u, 10u, 70000u}) {
        const std::string text(n, 'q');
        REQUIRE(conn->write_message(Opcode::text, text));
        auto m = conn->read_message();
        REQUIRE(m);
        CHECK(m->text() == text);
    }
    CHECK_FALSE(conn->close(close_code::normal, "bye", 2s));
}

TEST_CASE("upgrade inside a handler: refusals are HTTP answers naming the header") {
    Upgrader upgrader;
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
        auto conn = upgrader.upgrade(w, r);
        CHECK_FALSE(conn);
    });
    http::test::TestServer server(mux);
    const std::string plain = raw_exchange(server.port(), "GET /ws HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(plain.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(plain.find("Upgrade") != std::string::npos);
    const std::string old_version = raw_exchange(
        server.port(),
        "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
    CHECK(old_version.rfind("HTTP/1.1 426", 0) == 0);
    std::string lower = old_version;  // field names are case-insensitive (RFC 9110 §5.1)
    for (char& ch : lower)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    CHECK(lower.find("sec-websocket-version: 13\r\n") != std::string::npos);
    Dialer d;
    http::Header cross;
    cross.add("Origin", "http://evil.example");
    HandshakeResponse response;
    auto refused =
        d.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/ws", cross, &response);
    CHECK(refused.error() == Error::handshake_bad_status);
    CHECK(response.status == 403);
    CHECK(response.body.find("Origin") != std::string::npos);
}

TEST_CASE("upgrade inside a handler: the error callback writes the refusal") {
    Upgrader upgrader;
    int seen_status = 0;
    upgrader.error = [&](http::ResponseWriter& w, http::Request&, int status, std::error_code) {
        seen_status = status;
        w.write_header(status);
        (void)w.write("custom refusal\n");
    };
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func(
        "/ws", [&](http::ResponseWriter& w, http::Request& r) { (void)upgrader.upgrade(w, r); });
    http::test::TestServer server(mux);
    const std::string answer =
        raw_exchange(server.port(), "POST /ws HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
    CHECK(answer.rfind("HTTP/1.1 405", 0) == 0);
    CHECK(answer.find("custom refusal") != std::string::npos);
    CHECK(seen_status == 405);
}
