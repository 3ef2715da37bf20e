// Shared by the raw-socket RFC probes (rfc_probe_*_test.cpp): one server with a few handlers
// behind a ServeMux, and helpers that send exact bytes and look at exactly what comes back.
// Each probe names the RFC 9110 / RFC 9112 section it checks; together they are the checklist
// an outside conformance suite would run against the server.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "http/handlers.hpp"
#include "http/serve_mux.hpp"
#include "http/status.hpp"
#include "tests/http/server_support.hpp"

namespace wire::http::test {

// The handlers the probes talk to:
//   /               echoes "M=<method> T=<target> H=<host> B=<body>"
//   GET /get        "hello world" (so HEAD /get is served too)
//   POST /post      only POST: 405 with Allow for anything else
//   /dir/           a subtree: "/dir" is redirected to it (301)
//   /no-content     204;  /not-modified  304 (with a body the server must drop)
//   /hints          103 Early Hints, then 200
//   /stream         two flushed writes: length unknown, so chunked or close-delimited
inline HandlerPtr probe_mux() {
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("/", [](ResponseWriter& w, Request& r) {
        std::string body;
        (void)r.body().read_all(body);
        std::string out = "M=";
        out.append(r.method).append(" T=").append(r.target).append(" H=").append(r.host);
        out.append(" B=").append(body);
        (void)w.write(out);
    });
    mux->handle_func("GET /get", [](ResponseWriter& w, Request&) { (void)w.write("hello world"); });
    mux->handle_func("POST /post", [](ResponseWriter& w, Request&) { (void)w.write("posted"); });
    mux->handle_func("/dir/", [](ResponseWriter& w, Request&) { (void)w.write("dir"); });
    mux->handle_func("/no-content", [](ResponseWriter& w, Request&) { w.write_header(204); });
    mux->handle_func("/not-modified", [](ResponseWriter& w, Request&) {
        w.header().set("ETag", "\"v1\"");
        w.write_header(304);
        (void)w.write("must not be sent");
    });
    mux->handle_func("/hints", [](ResponseWriter& w, Request&) {
        w.header().set("Link", "</style.css>; rel=preload");
        w.write_header(103);
        (void)w.write("after hints");
    });
    mux->handle_func("/stream", [](ResponseWriter& w, Request&) {
        (void)w.write("part one;");
        (void)w.flush();
        (void)w.write("part two");
    });
    return mux;
}

// The probe server: small limits so the limit probes stay cheap.
class ProbeServer : public TestServer {
  public:
    ProbeServer()
        : TestServer(probe_mux(), [](Server& cfg) {
              cfg.max_header_bytes = 8 * 1024;
              cfg.limits.max_target = 2048;
              cfg.limits.max_request_line = 2100;
              cfg.limits.max_fields = 50;
              cfg.limits.max_body = 4096;
              cfg.read_header_timeout = std::chrono::milliseconds(400);
          }) {}
};

// Everything the server sends on a fresh connection until it closes it (or `within` passes).
inline std::string raw_until_close(const TestServer& s, std::string_view request,
                                   std::chrono::milliseconds within = std::chrono::seconds(3)) {
    Client c(s);
    c.send(request);
    c.conn.set_read_deadline(net::Conn::Clock::now() + within);
    std::string out;
    char tmp[4096];
    for (;;) {
        auto n = c.conn.read(tmp, sizeof tmp);
        if (!n || *n == 0) return out;
        out.append(tmp, *n);
    }
}

// One request on a fresh connection: the response, and whether the server then closed.
struct Answer {
    Response response;
    bool closed = false;
};

// Only for answers after which a close is expected: a kept-alive connection costs the wait.
inline Answer ask_then_close(const TestServer& s, std::string_view request) {
    Client c(s);
    c.send(request);
    Answer a;
    a.response = c.read();
    a.closed = c.closed_within(std::chrono::milliseconds(1500));
    return a;
}

// The answer to bad input: `status`, a length, "Connection: close", then the close.
inline void check_rejected(const TestServer& s, std::string_view request, int status) {
    const Answer a = ask_then_close(s, request);
    CHECK(a.response.status == status);
    CHECK(a.response.get("Connection") == "close");
    CHECK(a.response.has("Content-Length"));  // RFC 9112 §6.3: the body must be delimited
    CHECK(a.closed);
}

// A request the server must serve (not reject): the echo handler's answer.
inline Response served(const TestServer& s, std::string_view request) {
    Client c(s);
    c.send(request);
    return c.read();
}

}  // namespace wire::http::test
