// RFC conformance of the opening handshake's refusals, over real loopback sockets, on every way
// wire serves a handshake: the blocking Upgrader (on a raw connection and inside an http::Handler),
// the event-driven websocket::handle route, and the standalone WebSocketServer.
#include <doctest/doctest.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "net/dial.hpp"
#include "tests/http/server_support.hpp"
#include "tests/net/helpers.hpp"
#include "tests/websocket/serving.hpp"
#include "websocket/handshake.hpp"
#include "websocket/route.hpp"
#include "websocket/upgrader.hpp"
#include "websocket/ws_server.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

// The versions a client may send that we do not speak: an old draft's, a future one, none.
const std::string kUnsupportedVersions[] = {"8", "99", ""};

// A valid upgrade request but for Sec-WebSocket-Version (`version` empty: no such field).
std::string request_with_version(std::string_view version, std::string_view path = "/ws") {
    std::string r = "GET " + std::string(path) +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    if (!version.empty()) r += "Sec-WebSocket-Version: " + std::string(version) + "\r\n";
    return r + "\r\n";
}

// Reads from `conn` until the end of a response head; returns the head ("" on timeout or EOF).
std::string read_head(net::Conn& conn) {
    conn.set_read_deadline(net::Conn::Clock::now() + 5s);
    std::string got;
    char buf[2048];
    while (got.find("\r\n\r\n") == std::string::npos) {
        auto n = conn.read(buf, sizeof buf);
        if (!n || *n == 0) return {};
        got.append(buf, *n);
    }
    return got.substr(0, got.find("\r\n\r\n") + 4);
}

std::string exchange(std::uint16_t port, const std::string& request) {
    auto c = net::dial("127.0.0.1:" + std::to_string(port), 5s);
    REQUIRE(c);
    REQUIRE(c->write(request));
    return read_head(*c);
}

// Every value of the field `name` in `head`, joined with ", " (RFC 9110 §5.3).
std::string field(std::string_view head, std::string_view name) {
    std::string joined;
    std::size_t at = head.find("\r\n");
    while (at != std::string_view::npos && at + 2 < head.size()) {
        const std::size_t end = head.find("\r\n", at + 2);
        const std::string_view line = head.substr(at + 2, end - at - 2);
        at = end;
        const std::size_t colon = line.find(':');
        if (colon != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < colon; ++i) {
            same = same && std::tolower(static_cast<unsigned char>(line[i])) ==
                               std::tolower(static_cast<unsigned char>(name[i]));
        }
        if (!same) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        if (!joined.empty()) joined += ", ";
        joined += value;
    }
    return joined;
}

// RFC 9110 §15.5.22: "The server MUST send an Upgrade header field in a 426 response to indicate
// the required protocol(s)", and §7.8: whoever sends Upgrade lists "upgrade" in Connection.
// RFC 6455 §4.4: the refusal of a version names the versions the server speaks.
void check_upgrade_required(const std::string& head) {
    CAPTURE(head);
    CHECK(head.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(header_has_token(field(head, "Upgrade"), "websocket"));
    CHECK(header_has_token(field(head, "Connection"), "upgrade"));
    CHECK(field(head, "Sec-WebSocket-Version") == "13");
}

}  // namespace

TEST_CASE("426 names the protocol: Upgrader::upgrade_connection on a raw connection") {
    for (const std::string& version : kUnsupportedVersions) {
        CAPTURE(version);
        auto [client, server] = net::test::conn_pair();
        REQUIRE(client.write(request_with_version(version)));
        auto conn = Upgrader{}.upgrade_connection(std::move(server));
        CHECK(conn.error() == Error::handshake_bad_version);
        check_upgrade_required(read_head(client));
    }
}

TEST_CASE("426 names the protocol: Upgrader::upgrade inside an http::Handler") {
    Upgrader upgrader;
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
        auto conn = upgrader.upgrade(w, r);
        CHECK_FALSE(conn);
    });
    http::test::TestServer server(mux);
    for (const std::string& version : kUnsupportedVersions) {
        CAPTURE(version);
        check_upgrade_required(exchange(server.port(), request_with_version(version)));
    }
}

TEST_CASE("426 names the protocol: the Upgrader's error callback gets the fields already set") {
    // gorilla's Error hook writes its own body; the fields RFC 9110 requires are there for it.
    Upgrader upgrader;
    upgrader.error = [](http::ResponseWriter& w, http::Request&, int status, std::error_code) {
        w.write_header(status);
        (void)w.write("custom\n");
    };
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func(
        "/ws", [&](http::ResponseWriter& w, http::Request& r) { (void)upgrader.upgrade(w, r); });
    http::test::TestServer server(mux);
    check_upgrade_required(exchange(server.port(), request_with_version("8")));
}

TEST_CASE("426 names the protocol: the websocket::handle route (event-driven)") {
    auto mux = std::make_shared<http::ServeMux>();
    http::Server server;
    server.addr = "127.0.0.1:0";
    server.log = [](std::string_view) {};
    server.handler = mux;
    Engine engine;
    Endpoint echo;
    handle(*mux, "/ws", engine, echo);
    websocket::test::Running running(server);
    for (const std::string& version : kUnsupportedVersions) {
        CAPTURE(version);
        check_upgrade_required(exchange(server.address().port(), request_with_version(version)));
    }
}

TEST_CASE("426 names the protocol: the standalone WebSocketServer") {
    ServerOptions o;
    o.loops = 1;
    WebSocketServer server(o);
    server.route("/ws", Endpoint{});
    REQUIRE_FALSE(server.listen("127.0.0.1:0"));
    server.start();
    for (const std::string& version : kUnsupportedVersions) {
        CAPTURE(version);
        check_upgrade_required(exchange(server.port(), request_with_version(version)));
    }
}
