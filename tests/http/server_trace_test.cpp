// Server::trace on real loopback connections: every request head received and every response
// head sent becomes annotated lines, on the loop and on workers; bodies never do; off is silent.
#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "http/server.hpp"
#include "http/trace.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/trace_lines.hpp"

using namespace wire::http;
using namespace wire::http::test;
using wire::test::capture_stderr;
using wire::test::TraceLines;

namespace {

HandlerPtr hello() {
    return handler_func([](ResponseWriter& w, Request&) { (void)w.write("secret body\n"); });
}

// Two pipelined requests on one connection, both answered; the trace lines that produced.
void two_requests(TraceLines& lines, std::size_t workers) {
    TestServer s(hello(), [&](Server& srv) {
        srv.trace = lines.sink();
        srv.worker_threads = workers;
    });
    wire::http::test::Client c(s);
    c.send(get("/one") + get("/two"));
    CHECK(c.read().status == 200);
    CHECK(c.read().status == 200);
}

void check_two_requests(const TraceLines& lines) {
    // Each head: its start line, one line per field, a summary, with the direction up front.
    CHECK(lines.count("http recv | GET /one HTTP/1.1") == 1);
    CHECK(lines.count("http recv | GET /two HTTP/1.1") == 1);
    CHECK(lines.count("http recv | Host: example.com") == 2);
    CHECK(lines.count("http recv | = no body, keep-alive") == 2);
    CHECK(lines.count("http send | HTTP/1.1 200 OK") == 2);
    CHECK(lines.first("http send | Content-Length: 12").find("# the body is exactly") !=
          std::string::npos);
    CHECK(lines.count("http send | Content-Type: text/plain") == 2);
    CHECK(lines.count("http send | = a body of 12 bytes (Content-Length), keep-alive") == 2);
    // Order: each response head follows the request it answers.
    CHECK(lines.index("http recv | GET /one") < lines.index("http send | HTTP/1.1 200 OK"));
    CHECK(lines.index("http send | HTTP/1.1 200 OK") < lines.index("http recv | GET /two"));
    // Heads only: the body is not traced.
    CHECK(lines.text().find("secret body") == std::string::npos);
}

}  // namespace

TEST_CASE("Server::trace: request and response heads on the loop, in order, without bodies") {
    TraceLines lines;
    two_requests(lines, 0);
    check_two_requests(lines);
}

TEST_CASE("Server::trace: the same lines when handlers run on worker threads") {
    TraceLines lines;
    two_requests(lines, 2);
    check_two_requests(lines);
}

TEST_CASE("Server::trace: a malformed request shows where it broke, and the 400 sent") {
    TraceLines lines;
    TestServer s(hello(), [&](Server& srv) { srv.trace = lines.sink(); });
    wire::http::test::Client c(s);
    c.send("GET / HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n");
    CHECK(c.read().status == 400);
    const std::string recv = lines.first("http recv | error at byte ");
    CHECK(recv.find("-> 400 Bad Request") != std::string::npos);
    CHECK(lines.count("http send | HTTP/1.1 400 Bad Request") == 1);
    CHECK(lines.count("http send | Connection: close") == 1);
}

TEST_CASE("Server::trace: interim responses (100 Continue) and streamed heads are traced") {
    TraceLines lines;
    TestServer s(handler_func([](ResponseWriter& w, Request& r) {
                     std::string body;
                     (void)r.body().read_all(body);
                     (void)w.write(std::string(10000, 'x'));  // past the buffer: chunked
                 }),
                 [&](Server& srv) {
                     srv.trace = lines.sink();
                     srv.max_body_preread = 0;
                 });
    wire::http::test::Client c(s);
    c.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    const auto interim = c.read();
    CHECK(interim.status == 100);
    c.send("abc");
    CHECK(c.read().status == 200);
    CHECK(lines.count("http recv | = a body of 3 bytes (Content-Length), keep-alive, expects "
                      "100-continue") == 1);
    CHECK(lines.count("http send | HTTP/1.1 100 Continue") == 1);
    CHECK(lines.count("http send | Transfer-Encoding: chunked") == 1);
    CHECK(lines.index("http send | HTTP/1.1 100 Continue") <
          lines.index("http send | HTTP/1.1 200 OK"));
}

TEST_CASE("Server::trace: off by default without WIRE_TRACE, and then nothing is printed") {
    if (trace_enabled()) return;  // a developer ran the tests with WIRE_TRACE set
    Server defaults;
    CHECK_FALSE(defaults.trace);
    const std::string printed = capture_stderr([] {
        TestServer s(hello());
        CHECK(roundtrip(s, get("/quiet")).status == 200);
    });
    CHECK(printed.empty());
}

TEST_CASE("Server::trace = stderr_trace_sink() prints the heads on standard error") {
    const std::string printed = capture_stderr([] {
        TestServer s(hello(), [](Server& srv) { srv.trace = stderr_trace_sink(); });
        CHECK(roundtrip(s, get("/loud")).status == 200);
    });
    CHECK(printed.find("http recv | GET /loud HTTP/1.1") != std::string::npos);
    CHECK(printed.find("http send | HTTP/1.1 200 OK") != std::string::npos);
}

TEST_CASE("Client::trace: the request head sent and the response head received") {
    TraceLines server_lines, client_lines;
    TestServer s(hello(), [&](Server& srv) { srv.trace = server_lines.sink(); });
    wire::http::Client client;
    client.trace = client_lines.sink();
    auto resp = client.get("http://" + s.address() + "/c?x=1");
    REQUIRE(resp);
    auto body = resp->read_all();
    REQUIRE(body);
    CHECK(*body == "secret body\n");
    CHECK(client_lines.count("http send | GET /c?x=1 HTTP/1.1") == 1);
    CHECK(client_lines.count("http send | User-Agent: wire") == 1);
    CHECK(client_lines.count("http recv | HTTP/1.1 200 OK") == 1);
    CHECK(client_lines.count("http recv | = a body of 12 bytes (Content-Length), keep-alive") == 1);
    // The same request, seen from the other end.
    CHECK(server_lines.count("http recv | GET /c?x=1 HTTP/1.1") == 1);
    CHECK(client_lines.text().find("secret body") == std::string::npos);
}
