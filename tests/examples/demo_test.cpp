// examples/demo (what `make run` starts): its HTTP side, run as a program.
#include <doctest/doctest.h>

#include <string>

#include "net/dial.hpp"
#include "tests/examples/example_process.hpp"

namespace {

// One request on its own connection ("Connection: close"), the whole reply.
std::string fetch(int port, const std::string& request) {
    auto conn = wire::net::dial("127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
    REQUIRE(conn);
    conn->set_deadline(wire::net::Conn::Clock::now() + std::chrono::seconds(5));
    REQUIRE(conn->write(request));
    std::string reply;
    char buf[8192];
    for (;;) {
        auto n = conn->read(buf, sizeof buf);
        if (!n || *n == 0) break;
        reply.append(buf, *n);
    }
    return reply;
}

std::string get(int port, const std::string& target) {
    return fetch(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                           "\r\nConnection: close\r\n\r\n");
}

bool has(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

// The port from "wire demo: open http://127.0.0.1:PORT/ in a browser".
int demo_port(wire::test::ExampleProcess& p) {
    const auto line = p.out_line(std::chrono::seconds(10));
    if (!line || !has(*line, "wire demo: open http://127.0.0.1:")) return 0;
    return std::atoi(line->c_str() + line->rfind(':') + 1);
}

}  // namespace

TEST_CASE(
    "demo: pages, seed pages rendered with their ws:// URL, inspector, push API, access log") {
    wire::test::ExampleProcess p("demo", {"--port", "0"});
    REQUIRE(p.started());
    const int port = demo_port(p);
    REQUIRE(port > 0);
    const std::string host = "127.0.0.1:" + std::to_string(port);

    const std::string home = get(port, "/");
    CHECK(home.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(has(home, "Content-Type: text/html; charset=utf-8\r\n"));
    CHECK(has(home, "href=\"/echo.html\""));
    // One access-log line per request on standard output.
    const auto log = p.out_line();
    REQUIRE(log);
    CHECK(has(*log, "\"GET / HTTP/1.1\" 200 "));

    for (const char* page : {"/echo.html", "/chat.html", "/push.html", "/tail.html"}) {
        CAPTURE(std::string(page));
        CHECK(get(port, page).rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    }
    const std::string js = get(port, "/wire.js");
    CHECK(has(js, "function wireSocket("));
    CHECK(has(js, "Content-Type: text/javascript"));

    CHECK(has(get(port, "/seed/002/"), "\"ws://" + host + "/seed/002/stream\""));
    CHECK(has(get(port, "/seed/001/client.html"), "\"ws://" + host + "/seed/001/ws\""));
    CHECK(get(port, "/nope.html").rfind("HTTP/1.1 404 ", 0) == 0);

    const std::string inspected = fetch(port,
                                        "POST /inspect?a=1 HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\n"
                                        "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
    CHECK(has(inspected, "request line:   POST /inspect?a=1 HTTP/1.1\n"));
    CHECK(has(inspected, "  X-Test: yes\n"));
    CHECK(has(inspected, "body (5 bytes):\nhello\n"));

    const std::string sent =
        fetch(port,
              "POST /api/tool/send_message HTTP/1.1\r\nHost: x\r\n"
              "Content-Type: application/x-www-form-urlencoded\r\n"
              "Content-Length: 16\r\nConnection: close\r\n\r\nmessage=hi+there");
    CHECK(sent.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(has(sent, "{\"delivered_to\":"));
    const std::string empty = fetch(port,
                                    "POST /api/tool/send_message HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Length: 0\r\nConnection: close\r\n\r\n");
    CHECK(empty.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(get(port, "/api/tool/send_message").rfind("HTTP/1.1 405 ", 0) == 0);

    CHECK(p.stop() == 0);
}
