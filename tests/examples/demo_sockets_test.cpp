// examples/demo: the WebSocket routes of ROUTES.md, driven with wire's own Dialer.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "example_process.hpp"
#include "websocket/close.hpp"
#include "ws_test_support.hpp"

using namespace wire::test;
namespace ws = wire::websocket;
namespace fs = std::filesystem;

namespace {

struct Demo {
    fs::path tail = fs::temp_directory_path() / ("wire-demo-tail-" + std::to_string(::getpid()));
    ExampleProcess process{"demo", {"--tail", tail.string()}};
    Demo() { std::ofstream(tail) << "old\n"; }
    ~Demo() { fs::remove(tail); }
    auto dial(const char* path) { return ws::Dialer{}.dial(ws_url(process.port(), path)); }
};

}  // namespace

TEST_CASE("demo /echo sends back text and binary, same opcode") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto conn = demo.dial("/echo");
    REQUIRE(conn);
    REQUIRE(conn->write_message(ws::Opcode::binary, std::string("\xde\xad\xbe\xef", 4)));
    auto back = conn->read_message();
    REQUIRE(back);
    CHECK(back->type == ws::Opcode::binary);
    CHECK(back->text() == std::string("\xde\xad\xbe\xef", 4));
    REQUIRE(conn->write_message(ws::Opcode::text, "Hello"));
    CHECK(next_text(*conn) == "Hello");
    CHECK(demo.process.wait_for("\"GET /echo HTTP/1.1\" 101 websocket"));  // the access log
    CHECK(demo.process.terminate() == 0);
}

TEST_CASE("demo with WIRE_TRACE=1 logs compressed frames with both sizes") {
    ExampleProcess demo("demo", {}, {"WIRE_TRACE=1"});
    REQUIRE(demo.wait_listening());
    ws::Dialer d;
    d.enable_compression = true;
    d.trace = {};
    const std::string text(2000, 'a');
    for (const char* path : {"/echo", "/chat"}) {
        CAPTURE(path);
        auto conn = d.dial(ws_url(demo.port(), path));
        REQUIRE(conn);
        REQUIRE(conn->compression() != nullptr);
        REQUIRE(conn->write_message(ws::Opcode::text, text));
        CHECK(next_text(*conn) == text);
        // The frame, RSV1 set, then the message's sizes: compressed on the wire, inflated.
        auto frame = demo.wait_for("ws recv | FIN=1 RSV=100 op=0x1 text compressed");
        CHECK(frame);
        auto sizes = demo.wait_for("ws recv |   compressed text message: ");
        REQUIRE(sizes);
        CHECK(sizes->find(" bytes on the wire, 2000 inflated") != std::string::npos);
        CHECK(demo.wait_for("ws send | FIN=1 RSV=100 op=0x1 text compressed"));
    }
    CHECK(demo.terminate() == 0);
}

TEST_CASE("demo /chat broadcasts to every connection, the sender included") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto a = demo.dial("/chat");
    auto b = demo.dial("/chat");
    REQUIRE(a);
    REQUIRE(b);
    // b hearing its own message proves both have joined the room (the dial returns when the
    // 101 arrives, a moment before the server adds the connection to the room).
    REQUIRE(b->write_message(ws::Opcode::text, "bob: ready"));
    CHECK(next_text(*b) == "bob: ready");
    CHECK(next_text(*a) == "bob: ready");
    REQUIRE(a->write_message(ws::Opcode::text, "alice: hi bob"));
    CHECK(next_text(*b) == "alice: hi bob");
    CHECK(next_text(*a) == "alice: hi bob");
    CHECK(demo.process.terminate() == 0);
}

TEST_CASE("demo push: POST /api/tool/send_message reaches /socket/system/message") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto listener = demo.dial("/socket/system/message");
    REQUIRE(listener);
    const std::string api = local_url(demo.process.port(), "/api/tool/send_message");
    // The listener joins a moment after its 101: POST until it counts.
    std::string answer;
    for (int i = 0; i < 100 && answer != "{\"delivered\": 1}\n"; ++i)
        answer = run_command("curl -s -d 'message=Deploy finished' " + api);
    CHECK(answer == "{\"delivered\": 1}\n");
    CHECK(next_text(*listener) == "Deploy finished");
    CHECK(run_command("curl -s -o /dev/null -w '%{http_code}' -d 'message=' " + api) == "400");
    const std::string allow =
        run_command("curl -s -o /dev/null -w '%{http_code} %header{allow}' " + api);
    CHECK(allow == "405 POST");
    CHECK(demo.process.terminate() == 0);
}

TEST_CASE("demo /tail names its file, then sends appended lines") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto conn = demo.dial("/tail");
    REQUIRE(conn);
    CHECK(next_text(*conn) == "# tailing " + demo.tail.string());
    std::ofstream(demo.tail, std::ios::app) << "new line\n";
    CHECK(next_text(*conn) == "new line");
    CHECK(demo.process.terminate() == 0);
}

TEST_CASE("demo seed routes: 001 echoes with heartbeats, 002 streams 100 messages then 1000") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto seed1 = demo.dial("/seed/001/ws");
    REQUIRE(seed1);
    CHECK(next_text(*seed1) == "heartbeat");
    REQUIRE(seed1->write_message(ws::Opcode::text, "hi"));
    for (;;) {
        auto text = next_text(*seed1);
        REQUIRE(text);
        if (*text == "hi") break;
        CHECK(*text == "heartbeat");
    }
    auto seed2 = demo.dial("/seed/002/stream");
    REQUIRE(seed2);
    for (int i = 1; i <= 100; ++i)
        REQUIRE(next_text(*seed2) == "message " + std::to_string(i) + " of 100");
    auto end = seed2->read_message();
    REQUIRE(!end);
    CHECK(end.error() == ws::make_close_error_code(ws::close_code::normal));
    CHECK(demo.process.terminate() == 0);
}

TEST_CASE("demo shutdown: open WebSockets get 1001 (going away), the process exits 0") {
    Demo demo;
    REQUIRE(demo.process.wait_listening());
    auto echo = demo.dial("/echo");
    auto chat = demo.dial("/chat");
    REQUIRE(echo);
    REQUIRE(chat);
    ::kill(demo.process.pid(), SIGTERM);
    for (auto* conn : {&*echo, &*chat}) {
        conn->set_read_deadline(ws::Clock::now() + 5s);
        auto msg = conn->read_message();
        REQUIRE(!msg);
        CHECK(msg.error() == ws::make_close_error_code(ws::close_code::going_away));
    }
    CHECK(demo.process.wait_exit() == 0);
}
