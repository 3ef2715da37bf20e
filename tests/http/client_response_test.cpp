// Response's Go-named accessors (Status, ProtoAtLeast, Location) on responses from our server,
// and default_client(), Go's http.DefaultClient.
#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "http/error.hpp"
#include "http/serve_mux.hpp"
#include "http/status.hpp"
#include "tests/http/script_server.hpp"
#include "tests/http/server_support.hpp"
#include "tests/support/alloc_probe.hpp"

using wire::http::Request;
using wire::http::ResponseWriter;
using wire::http::test::TestServer;

namespace {

std::shared_ptr<wire::http::ServeMux> location_mux() {
    auto mux = std::make_shared<wire::http::ServeMux>();
    mux->handle_func("/a/b", [](ResponseWriter& w, Request& r) {
        // The Location as the query asks, sent with a status the client does not follow.
        const std::string to(r.query().get("to"));
        if (!to.empty()) w.header().set("Location", to);
        w.write_header(wire::http::status::created);
    });
    mux->handle_func("/teapot", [](ResponseWriter& w, Request&) { w.write_header(418); });
    return mux;
}

}  // namespace

TEST_CASE("Response::status() is Go's Status, \"201 Created\"; proto_at_least reads proto") {
    TestServer server(location_mux());
    wire::http::Client c;
    auto resp = c.get("http://" + server.address() + "/a/b");
    REQUIRE(resp);
    CHECK(resp->status_code == 201);
    CHECK(resp->status() == "201 Created");
    CHECK(resp->proto == "HTTP/1.1");
    CHECK(resp->proto_at_least(1, 1));
    CHECK(resp->proto_at_least(1, 0));
    CHECK_FALSE(resp->proto_at_least(1, 2));
    CHECK_FALSE(resp->proto_at_least(2, 0));

    auto teapot = c.get("http://" + server.address() + "/teapot");
    REQUIRE(teapot);
    CHECK(teapot->status() == "418 I'm a teapot");
}

TEST_CASE("Response::location() resolves Location against the request URL (RFC 3986 §5)") {
    TestServer server(location_mux());
    const std::string base = "http://" + server.address();
    wire::http::Client c;
    struct Case {
        const char* to;
        std::string want;
    };
    const Case cases[] = {
        {"c", base + "/a/c"},
        {"../x?y=1", base + "/x?y=1"},
        {"/root", base + "/root"},
        {"http://other.example/p", "http://other.example/p"},
        {"//other.example/q", "http://other.example/q"},
    };
    for (const Case& k : cases) {
        CAPTURE(k.to);
        wire::http::Values q;
        q.set("to", k.to);
        auto resp = c.get(base + "/a/b?" + q.encode());
        REQUIRE(resp);
        auto where = resp->location();
        REQUIRE(where);
        CHECK(*where == k.want);
    }
    // No Location: Go's ErrNoLocation.
    auto none = c.get(base + "/a/b");
    REQUIRE(none);
    CHECK(none->location().error() == wire::http::Error::bad_location);
}

TEST_CASE("default_client() is one Client for the program, Go's http.DefaultClient") {
    wire::http::Client& first = wire::http::default_client();
    CHECK(&first == &wire::http::default_client());
    TestServer server(location_mux());
    auto resp = wire::http::default_client().get("http://" + server.address() + "/teapot");
    REQUIRE(resp);
    CHECK(resp->status_code == 418);
    (void)resp->read_all();
    wire::http::default_client().close_idle_connections();
    CHECK(wire::http::default_client().idle_connections() == 0);
}

// A server's Content-Length and chunk sizes are claims: read_all must take memory as the body
// arrives, and a terabyte claim cut short after five bytes is an error value, not bad_alloc.
TEST_CASE("Response::read_all() grows with the body that arrives, not with the length claimed") {
    const std::string heads[] = {
        "Content-Length: 1000000000\r\n\r\nhello",
        "Content-Length: 1000000000000\r\n\r\nhello",
        "Content-Length: 9223372036854775807\r\n\r\nhello",
        "Transfer-Encoding: chunked\r\n\r\nffffffff\r\nhello",
        "Transfer-Encoding: chunked\r\n\r\nffffffffffffff\r\nhello",
    };
    for (const std::string& rest : heads) {
        CAPTURE(rest);
        wire::http::test::ScriptServer server([&](wire::http::test::ScriptConn& c) {
            (void)c.read_request();
            c.write("HTTP/1.1 200 OK\r\n" + rest);
        });
        wire::http::Client client;
        auto resp = client.get(server.url("/"));
        REQUIRE(resp);
        wire::test::alloc::reset_largest();
        wire::net::Result<std::string> body = std::string();
        CHECK_NOTHROW(body = resp->read_all());
        CHECK(wire::test::alloc::largest.load() <= 1024 * 1024 + 64 * 1024);
        REQUIRE_FALSE(body);
        CHECK(body.error() == wire::http::Error::unexpected_eof);
    }
}
