// Upgrader over raw connections: every failed check answered with its status and a body naming
// the header, the origin policy, subprotocols, extra response fields, early frames kept.
#include "websocket/upgrader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "tests/net/helpers.hpp"
#include "websocket/dialer.hpp"
#include "websocket/error.hpp"

using namespace wire;
using namespace wire::websocket;
using namespace std::chrono_literals;

namespace {

const char* kKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3

std::string request(std::string_view extra = {}, std::string_view method = "GET",
                    std::string_view key = kKey) {
    std::string r = std::string(method) + " /chat HTTP/1.1\r\nHost: server.example.com\r\n";
    r += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    r += key;
    r += "\r\nSec-WebSocket-Version: 13\r\n";
    r += extra;
    r += "\r\n";
    return r;
}

struct Outcome {
    Result<Conn> conn = std::error_code(net::Error::closed);
    std::string answer;  // everything the client received until EOF or the 101's end
};

// Sends `bytes` as a client, runs the upgrader on the server side, returns both sides' view.
Outcome run(const Upgrader& upgrader, const std::string& bytes, std::string* target = nullptr) {
    auto [client, server] = net::test::conn_pair();
    REQUIRE(client.write(bytes));
    Outcome out;
    out.conn = upgrader.upgrade_connection(std::move(server), target);
    client.set_read_deadline(net::Conn::Clock::now() + 2s);
    char buf[4096];
    while (out.answer.find("\r\n\r\n") == std::string::npos ||
           (out.answer.rfind("HTTP/1.1 101", 0) != 0 && !out.conn)) {
        auto n = client.read(buf, sizeof buf);
        if (!n || *n == 0) break;
        out.answer.append(buf, *n);
    }
    return out;
}

}  // namespace

TEST_CASE("upgrader: a valid request gets the RFC 6455 §1.3 accept value and a Conn") {
    std::string target;
    auto out = run(Upgrader{}, request(), &target);
    REQUIRE(out.conn);
    CHECK(target == "/chat");
    CHECK(out.answer.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    CHECK(out.answer.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") !=
          std::string::npos);
    CHECK(out.answer.find("Sec-WebSocket-Protocol") == std::string::npos);
}

TEST_CASE("upgrader: each failed check has its status and a body naming the header") {
    struct Case {
        std::string bytes;
        int status;
        std::string_view mentions;
    };
    const Case cases[] = {
        {request({}, "POST"), 405, "GET"},
        {request({}, "GET", "short"), 400, "Sec-WebSocket-Key"},
        {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
             std::string(kKey) + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
         400, "Upgrade"},
        {"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
         "Sec-WebSocket-Key: " +
             std::string(kKey) + "\r\nSec-WebSocket-Version: 13\r\n\r\n",
         400, "Connection"},
        {"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: " +
             std::string(kKey) + "\r\nSec-WebSocket-Version: 8\r\n\r\n",
         426, "Sec-WebSocket-Version"},
        {request("Origin: http://evil.example\r\n"), 403, "Origin"},
        {"GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n", 400, "malformed"},
    };
    for (const auto& k : cases) {
        CAPTURE(k.bytes);
        auto out = run(Upgrader{}, k.bytes);
        CHECK_FALSE(out.conn);
        CHECK(out.answer.rfind("HTTP/1.1 " + std::to_string(k.status), 0) == 0);
        CHECK(out.answer.find(k.mentions, out.answer.find("\r\n\r\n")) != std::string::npos);
        if (k.status == 426) {
            CHECK(out.answer.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
        }
    }
}

TEST_CASE("upgrader: same-origin by default; check_origin can widen or narrow it") {
    CHECK(run(Upgrader{}, request("Origin: http://server.example.com\r\n")).conn);
    CHECK(run(Upgrader{}, request()).conn);  // no Origin: not a browser
    CHECK_FALSE(run(Upgrader{}, request("Origin: http://other.example\r\n")).conn);
    Upgrader allow_listed;
    allow_listed.check_origin = [](const UpgradeRequest& r) {
        return r.origin == "https://app.example";
    };
    CHECK(run(allow_listed, request("Origin: https://app.example\r\n")).conn);
    auto refused = run(allow_listed, request());
    CHECK(refused.conn.error() == Error::handshake_bad_origin);
    CHECK(refused.answer.rfind("HTTP/1.1 403", 0) == 0);
}

TEST_CASE("upgrader: the first supported subprotocol the client offered is chosen") {
    Upgrader u;
    u.subprotocols = {"v2.chat", "chat"};
    auto out = run(u, request("Sec-WebSocket-Protocol: chat, v2.chat\r\n"));
    REQUIRE(out.conn);
    CHECK(out.conn->subprotocol() == "v2.chat");
    CHECK(out.answer.find("Sec-WebSocket-Protocol: v2.chat\r\n") != std::string::npos);
    auto none = run(u, request("Sec-WebSocket-Protocol: mqtt\r\n"));
    REQUIRE(none.conn);
    CHECK(none.conn->subprotocol().empty());
}

TEST_CASE("upgrader: frames sent right behind the request are not lost") {
    // A masked text frame "hi" directly after the head, in the same write.
    const std::string frame("\x81\x82\x01\x02\x03\x04\x69\x6b", 8);
    auto [client, server] = net::test::conn_pair();
    REQUIRE(client.write(request() + frame));
    auto conn = Upgrader{}.upgrade_connection(std::move(server));
    REQUIRE(conn);
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "hi");
}

TEST_CASE("upgrader: extra response fields go into the 101") {
    auto pair = net::test::conn_pair();
    net::Conn& client = pair.first;
    net::Conn server = std::move(pair.second);
    std::thread t([&] {
        http::Header extra;
        extra.add("Set-Cookie", "session=1");
        UpgradeRequest r;
        r.method = "GET";
        r.http_version = "HTTP/1.1";
        r.host = "h";
        r.upgrade = "websocket";
        r.connection = "Upgrade";
        r.version = "13";
        r.key = kKey;
        auto conn = Upgrader{}.upgrade_parsed(std::move(server), r, {}, extra);
        CHECK(conn);
    });
    std::string answer;
    char buf[1024];
    client.set_read_deadline(net::Conn::Clock::now() + 2s);
    while (answer.find("\r\n\r\n") == std::string::npos) {
        auto n = client.read(buf, sizeof buf);
        if (!n || *n == 0) break;
        answer.append(buf, *n);
    }
    t.join();
    CHECK(answer.find("\r\nSet-Cookie: session=1\r\n") != std::string::npos);
}

TEST_CASE("upgrader: the handshake timeout bounds a client that never finishes its request") {
    auto [client, server] = net::test::conn_pair();
    REQUIRE(client.write("GET / HTTP/1.1\r\nHost: h\r\n"));
    Upgrader u;
    u.handshake_timeout = 100ms;
    const auto start = Clock::now();
    auto conn = u.upgrade_connection(std::move(server));
    CHECK(net::is_timeout(conn.error()));
    CHECK(Clock::now() - start < 2s);
}

TEST_CASE("upgrader and dialer together: a round trip") {
    auto listener = net::Listener::listen(net::Address::ipv4_loopback(0));
    REQUIRE(listener);
    std::thread server([&] {
        auto s = listener->accept_wait(5s);
        REQUIRE(s);
        auto conn = Upgrader{}.upgrade_connection(net::Conn(std::move(*s)));
        REQUIRE(conn);
        auto m = conn->read_message();
        REQUIRE(m);
        REQUIRE(conn->write_message(m->type, m->data));
        auto end = conn->read_message();
        CHECK(is_close_error(end.error(), {close_code::normal}));
    });
    auto conn = Dialer{}.dial("ws://127.0.0.1:" + std::to_string(listener->address().port()));
    REQUIRE(conn);
    REQUIRE(conn->write_message(Opcode::binary, "round trip"));
    auto m = conn->read_message();
    REQUIRE(m);
    CHECK(m->text() == "round trip");
    CHECK_FALSE(conn->close());
    server.join();
}

TEST_CASE("upgrader: permessage-deflate is answered only when enabled (RFC 7692 §5)") {
    const std::string offer =
        request("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    SUBCASE("off: declined, no extension in the 101") {
        auto out = run(Upgrader{}, offer);
        REQUIRE(out.conn);
        CHECK(out.answer.find("Sec-WebSocket-Extensions") == std::string::npos);
    }
    SUBCASE("on: accepted with the server's preferences") {
        Upgrader u;
        u.enable_compression = true;
        u.compression.client_max_window_bits = 10;
        auto out = run(u, offer);
        REQUIRE(out.conn);
        CHECK(out.answer.find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                              "client_max_window_bits=10\r\n") != std::string::npos);
    }
    SUBCASE("on, two header lines: the first acceptable offer, from either line") {
        Upgrader u;
        u.enable_compression = true;
        auto out = run(u, request("Sec-WebSocket-Extensions: permessage-deflate; bogus\r\n"
                                  "Sec-WebSocket-Extensions: permessage-deflate; "
                                  "server_max_window_bits=8\r\n"));
        REQUIRE(out.conn);
        CHECK(out.answer.find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                              "server_max_window_bits=8\r\n") != std::string::npos);
    }
    SUBCASE("on, malformed: 400 with the reason") {
        Upgrader u;
        u.enable_compression = true;
        auto out = run(u, request("Sec-WebSocket-Extensions: permessage-deflate; a=\"1\r\n"));
        CHECK(out.conn.error() == Error::handshake_bad_extensions);
        CHECK(out.answer.rfind("HTTP/1.1 400 ", 0) == 0);
        CHECK(out.answer.find("quoted value") != std::string::npos);
    }
}
