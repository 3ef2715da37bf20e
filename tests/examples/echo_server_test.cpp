// examples/echo_server.cpp and examples/echo_client.cpp: seed 000 §5.1's gorilla-style pair.
#include <doctest/doctest.h>

#include "example_process.hpp"
#include "websocket/close.hpp"
#include "websocket/dialer.hpp"

using namespace wire::test;
namespace ws = wire::websocket;

namespace {
std::string ws_url(int port, const char* path) {
    return "ws://127.0.0.1:" + std::to_string(port) + path;
}
}  // namespace

TEST_CASE("echo_server echoes text and binary on /socket, logs them, and runs its close handler") {
    ExampleProcess server("echo_server");
    REQUIRE(server.wait_listening());
    CHECK(run_command("curl -s " + local_url(server.port(), "/")) == "Index Page");

    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/socket"));
    REQUIRE(conn);
    REQUIRE(conn->write_message(ws::Opcode::text, "hello"));
    auto back = conn->read_message();
    REQUIRE(back);
    CHECK(back->type == ws::Opcode::text);
    CHECK(back->text() == "hello");
    CHECK(server.wait_for("Received: hello"));
    const std::string bytes("\x00\x01\xfe", 3);
    REQUIRE(conn->write_message(ws::Opcode::binary, bytes));
    back = conn->read_message();
    REQUIRE(back);
    CHECK(back->type == ws::Opcode::binary);
    CHECK(back->text() == bytes);
    CHECK(!conn->close(ws::close_code::normal, "bye", std::chrono::seconds(2)));
    CHECK(server.wait_for("close handler: 1000 bye"));
    CHECK(server.terminate() == 0);
}

TEST_CASE(
    "echo_client sends every interval and on SIGINT closes cleanly (close frame, reader done)") {
    ExampleProcess server("echo_server");
    REQUIRE(server.wait_listening());
    ExampleProcess client("echo_client", {"--interval-ms", "100"},
                          {"PORT=" + std::to_string(server.port())});
    REQUIRE(client.wait_for("Received: Hello from wire!"));
    REQUIRE(client.wait_for("Received: Hello from wire!"));
    CHECK(client.terminate(SIGINT) == 0);
    const std::string& out = client.transcript();
    CHECK(out.find("Received SIGINT interrupt signal") != std::string::npos);
    CHECK(out.find("Receiver Channel Closed! Exiting....") != std::string::npos);
    CHECK(server.wait_for("close handler: 1000"));
    CHECK(server.terminate() == 0);
}

TEST_CASE("echo_server: SIGTERM closes open WebSockets with 1001 and exits 0") {
    ExampleProcess server("echo_server");
    REQUIRE(server.wait_listening());
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/socket"));
    REQUIRE(conn);
    ::kill(server.pid(), SIGTERM);
    auto msg = conn->read_message();
    REQUIRE(!msg);
    CHECK(msg.error() == ws::make_close_error_code(ws::close_code::going_away));
    CHECK(server.wait_exit() == 0);
}

TEST_CASE("echo_server with WIRE_TRACE=1 traces the handshake, the accept derivation, frames") {
    ExampleProcess server("echo_server", {}, {"WIRE_TRACE=1"});
    REQUIRE(server.wait_listening());
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/socket"));
    REQUIRE(conn);
    REQUIRE(conn->write_message(ws::Opcode::text, "traced"));
    REQUIRE(conn->read_message());
    // In the order the server handles them: request head, derivation, 101, the frames.
    CHECK(server.wait_for("http recv | GET /socket HTTP/1.1"));
    auto step1 = server.wait_for("accept 1/3: key + GUID");
    REQUIRE(step1);
    CHECK(step1->find("258EAFA5-E914-47DA-95CA-C5AB0DC85B11") != std::string::npos);
    CHECK(server.wait_for("accept 3/3: Base64 = "));
    CHECK(server.wait_for("http send | HTTP/1.1 101 Switching Protocols"));
    auto in = server.wait_for("ws recv | FIN=1 RSV=000 op=0x1 text");
    REQUIRE(in);
    CHECK(in->find("MASK=1 key=") != std::string::npos);
    CHECK(in->find("\"traced\"") != std::string::npos);
    auto out = server.wait_for("ws send | FIN=1 RSV=000 op=0x1 text");
    REQUIRE(out);
    CHECK(out->find("MASK=0") != std::string::npos);
    CHECK(server.terminate() == 0);
}

TEST_CASE("echo_server without WIRE_TRACE prints no trace lines") {
    ExampleProcess server("echo_server", {}, {"WIRE_TRACE=0"});
    REQUIRE(server.wait_listening());
    auto conn = ws::Dialer{}.dial(ws_url(server.port(), "/socket"));
    REQUIRE(conn);
    REQUIRE(conn->write_message(ws::Opcode::text, "quiet"));
    REQUIRE(conn->read_message());
    CHECK_FALSE(conn->close(ws::close_code::normal, "", 2s));
    CHECK(server.terminate() == 0);
    CHECK(server.transcript().find("http recv |") == std::string::npos);
    CHECK(server.transcript().find("ws recv |") == std::string::npos);
}
