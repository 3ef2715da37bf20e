// Trace mode end to end over loopback: the http::Server, Upgrader, Dialer and both Conns trace
// into sinks, and the lines tell the handshake (with the Sec-WebSocket-Accept derivation) and
// every frame, both ways, with FIN, opcode, mask key, length and payload preview.
#include <doctest/doctest.h>

#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"
#include "tests/net/helpers.hpp"
#include "tests/support/trace_lines.hpp"
#include "tests/websocket/echo_server.hpp"
#include "websocket/dialer.hpp"
#include "websocket/event_options.hpp"
#include "websocket/handshake.hpp"
#include "websocket/trace.hpp"
#include "websocket/upgrader.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;
using wire::test::TraceLines;

namespace {

// The value of a traced field line "http send | Name: value     # note".
std::string field_value(const std::string& line) {
    const auto colon = line.find(": ", line.find(" | ") + 3);
    REQUIRE(colon != std::string::npos);
    const auto start = colon + 2;
    return line.substr(start, line.find(' ', start) - start);
}

// "key=0a1b2c3d" in a frame line.
std::string mask_key_of(const std::string& line) {
    const auto at = line.find("key=");
    return at == std::string::npos ? std::string{} : line.substr(at + 4, 8);
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("trace: an upgrade and one echo, seen from the server and from the client") {
    TraceLines server_lines, client_lines;
    websocket::test::EchoThreads echo;
    Upgrader upgrader;
    upgrader.trace = server_lines.sink();
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
        auto conn = upgrader.upgrade(w, r);
        if (conn) echo.start(std::move(*conn));
    });
    http::test::TestServer server(mux, [&](http::Server& s) { s.trace = server_lines.sink(); });
    Dialer dialer;
    dialer.trace = client_lines.sink();
    auto conn = dialer.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/ws");
    REQUIRE(conn);
    REQUIRE(conn->write_message(Opcode::text, "Hello"));
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "Hello");
    CHECK_FALSE(conn->close(close_code::normal, "bye", 2s));
    REQUIRE(server_lines.wait_for("ws recv | FIN=1 RSV=000 op=0x8 close"));

    // 1. The client's request: sent by the Dialer, received by the Server.
    const std::string key = field_value(client_lines.first("http send | Sec-WebSocket-Key: "));
    CHECK(key.size() == 24);
    CHECK(client_lines.count("http send | GET /ws HTTP/1.1") == 1);
    CHECK(server_lines.count("http recv | GET /ws HTTP/1.1") == 1);
    CHECK(field_value(server_lines.first("http recv | Sec-WebSocket-Key: ")) == key);
    CHECK(server_lines.count("http recv | = no body, keep-alive, asks to upgrade") == 1);

    // 2. The server derives the accept value from that key (RFC 6455 §4.2.2), step by step.
    const std::string accept(compute_accept(key).view());
    const std::string step1 = server_lines.first("ws send | accept 1/3: key + GUID = ");
    CHECK(contains(step1, key + std::string(websocket_guid)));
    CHECK(server_lines.count("ws send | accept 2/3: SHA-1 = ") == 1);
    CHECK(contains(server_lines.first("ws send | accept 3/3: Base64 = "), accept));

    // 3. The 101 goes out after the derivation; the client receives it and checks the value.
    CHECK(server_lines.index("http recv | GET /ws") < server_lines.index("ws send | accept 1/3"));
    CHECK(server_lines.index("ws send | accept 3/3") <
          server_lines.index("http send | HTTP/1.1 101 Switching Protocols"));
    CHECK(field_value(server_lines.first("http send | Sec-WebSocket-Accept: ")) == accept);
    CHECK(client_lines.count("http recv | HTTP/1.1 101 Switching Protocols") == 1);
    CHECK(field_value(client_lines.first("http recv | Sec-WebSocket-Accept: ")) == accept);
    CHECK(client_lines.count("ws recv | accept: the server's value matches") == 1);

    // 4. The text frame, client to server: masked with the same key on both sides (§5.3).
    const std::string text_out = client_lines.first("ws send | FIN=1 RSV=000 op=0x1 text");
    const std::string text_in = server_lines.first("ws recv | FIN=1 RSV=000 op=0x1 text");
    CHECK(contains(text_out, "MASK=1 key="));
    CHECK(mask_key_of(text_out).size() == 8);
    CHECK(mask_key_of(text_in) == mask_key_of(text_out));
    for (const auto* line : {&text_out, &text_in}) {
        CHECK(contains(*line, "len=5 (7-bit)"));
        CHECK(contains(*line, "\"Hello\""));  // the preview shows the payload unmasked
    }

    // 5. The echo, server to client: unmasked (§5.1).
    const std::string echo_out = server_lines.first("ws send | FIN=1 RSV=000 op=0x1 text");
    const std::string echo_in = client_lines.first("ws recv | FIN=1 RSV=000 op=0x1 text");
    for (const auto* line : {&echo_out, &echo_in}) {
        CHECK(contains(*line, "MASK=0"));
        CHECK(contains(*line, "len=5 (7-bit)"));
        CHECK(contains(*line, "\"Hello\""));
    }

    // 6. The closing handshake: our 1000 "bye" and the server's echo of the code.
    CHECK(contains(client_lines.first("ws send | FIN=1 RSV=000 op=0x8 close"), "code=1000"));
    CHECK(contains(client_lines.first("ws send | FIN=1 RSV=000 op=0x8 close"), "bye"));
    CHECK(contains(server_lines.first("ws recv | FIN=1 RSV=000 op=0x8 close"), "code=1000"));
    REQUIRE(client_lines.wait_for("ws recv | FIN=1 RSV=000 op=0x8 close"));
}

TEST_CASE("trace: upgrade_connection traces the request head it read, and refusals") {
    TraceLines lines;
    Upgrader upgrader;
    upgrader.trace = lines.sink();
    {
        auto [client, server] = net::test::conn_pair();
        REQUIRE(
            client.write("GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n"));
        auto conn = upgrader.upgrade_connection(std::move(server));
        REQUIRE(conn);
    }
    CHECK(lines.count("http recv | GET /chat HTTP/1.1") == 1);
    // RFC 6455 §1.3's sample: this key gives this accept value.
    CHECK(contains(lines.first("ws send | accept 3/3: Base64 = "), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    CHECK(contains(lines.first("http send | Sec-WebSocket-Accept: "),
                   "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    lines.clear();
    {
        auto [client, server] = net::test::conn_pair();
        REQUIRE(client.write("GET /chat HTTP/1.1\r\nHost: h\r\n\r\n"));
        CHECK_FALSE(upgrader.upgrade_connection(std::move(server)));
    }
    CHECK(lines.count("http recv | GET /chat HTTP/1.1") == 1);
    CHECK(lines.count("http send | HTTP/1.1 400 Bad Request") == 1);
    CHECK(lines.count("ws send | accept") == 0);
}

TEST_CASE("trace: a Dialer checking a wrong Sec-WebSocket-Accept says so") {
    auto listener = net::Listener::listen("127.0.0.1:0");
    REQUIRE(listener);
    const auto port = listener->address().port();
    std::thread fake([&] {
        auto s = listener->accept_wait(2000ms);
        REQUIRE(s);
        net::Conn c(std::move(*s));
        char buf[2048];
        (void)c.read(buf, sizeof buf);
        (void)c.write(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
        (void)c.read(buf, sizeof buf);  // until the client gives up
    });
    TraceLines lines;
    Dialer dialer;
    dialer.trace = lines.sink();
    auto conn = dialer.dial("ws://127.0.0.1:" + std::to_string(port) + "/");
    CHECK_FALSE(conn);
    fake.join();
    CHECK(contains(lines.first("ws recv | accept: MISMATCH, the server sent "),
                   "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
}

TEST_CASE("trace: off, nothing is traced and standard error stays quiet") {
    if (trace_enabled()) return;  // a developer ran the tests with WIRE_TRACE set
    CHECK_FALSE(Upgrader{}.trace);
    CHECK_FALSE(Dialer{}.trace);
    CHECK_FALSE(ConnOptions{}.trace);
    CHECK_FALSE(EventOptions{}.trace);
    const std::string printed = wire::test::capture_stderr([] {
        websocket::test::EchoThreads echo;
        Upgrader upgrader;
        auto mux = std::make_shared<http::ServeMux>();
        mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
            auto conn = upgrader.upgrade(w, r);
            if (conn) echo.start(std::move(*conn));
        });
        http::test::TestServer server(mux);
        auto conn = Dialer{}.dial("ws://127.0.0.1:" + std::to_string(server.port()) + "/ws");
        REQUIRE(conn);
        REQUIRE(conn->write_message(Opcode::text, "quiet"));
        REQUIRE(conn->read_message());
        CHECK_FALSE(conn->close(close_code::normal, "", 2s));
    });
    CHECK(printed.empty());
}
