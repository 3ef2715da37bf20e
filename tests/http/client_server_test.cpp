// Our client against our server: chunked and Content-Length responses, streaming, keep-alive,
// Connection: close, HEAD and redirects through the server's redirect handler.
#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "http/handlers.hpp"
#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"

using wire::http::Request;
using wire::http::ResponseWriter;
using wire::http::test::TestServer;

TEST_CASE("client and server: framing, streaming, keep-alive and redirects end to end") {
    auto mux = std::make_shared<wire::http::ServeMux>();
    mux->handle_func("/small", [](ResponseWriter& w, Request&) { (void)w.write("small body"); });
    mux->handle_func("/big", [](ResponseWriter& w, Request&) {
        // Larger than the response buffer: the server switches to chunked.
        for (int i = 0; i < 100; ++i)
            (void)w.write(std::string(1000, static_cast<char>('a' + i % 26)));
    });
    mux->handle_func("/close", [](ResponseWriter& w, Request&) {
        w.header().set("Connection", "close");
        (void)w.write("bye");
    });
    mux->handle_func("/echo", [](ResponseWriter& w, Request& r) {
        std::string body;
        (void)r.body().read_all(body);
        (void)w.write(std::string(r.method) + ":" + body);
    });
    mux->handle("/old", wire::http::redirect_handler("/echo", 308));
    TestServer server(mux);
    const std::string base = "http://" + server.address();
    wire::http::Client c;

    auto small = c.get(base + "/small");
    REQUIRE(small);
    CHECK(small->content_length == 10);
    CHECK(small->read_all().value() == "small body");

    auto big = c.get(base + "/big");
    REQUIRE(big);
    CHECK(big->content_length == -1);
    CHECK(big->header.get("Transfer-Encoding") == "chunked");
    // Streamed in small reads.
    std::string got;
    char buf[333];
    while (true) {
        auto n = big->read(buf, sizeof buf);
        REQUIRE(n);
        if (*n == 0) break;
        got.append(buf, *n);
    }
    CHECK(got.size() == 100000);
    CHECK(got.substr(1000, 3) == "bbb");
    CHECK(c.idle_connections() == 1);

    auto head = c.head(base + "/big");
    REQUIRE(head);
    CHECK(head->read_all().value().empty());

    auto echo = c.post(base + "/echo", "text/plain", "payload");
    REQUIRE(echo);
    CHECK(echo->read_all().value() == "POST:payload");
    CHECK(server.server.connection_count() == 1);  // all of it on one connection

    // 308 keeps the method and the body (RFC 9110 §15.4.9).
    auto moved = c.post(base + "/old", "text/plain", "kept");
    REQUIRE(moved);
    CHECK(moved->url == base + "/echo");
    CHECK(moved->read_all().value() == "POST:kept");

    auto closing = c.get(base + "/close");
    REQUIRE(closing);
    CHECK(closing->read_all().value() == "bye");
    CHECK(c.idle_connections() == 0);  // the server said close: not kept
    auto after = c.get(base + "/small");
    REQUIRE(after);
    CHECK(after->read_all().value() == "small body");
}
