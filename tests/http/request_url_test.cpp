// Request::url(), Go's r.URL, read by handlers on our server over loopback: the decoded path,
// the query as sent, absolute-form targets, strip_prefix's rewrite, and a fresh URL for every
// request of a kept-alive connection.
#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "http/handlers.hpp"
#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"

using wire::http::Request;
using wire::http::ResponseWriter;
using wire::http::test::TestServer;

namespace {

// Answers with the URL's parts, one per line.
wire::http::HandlerPtr url_echo() {
    return wire::http::handler_func([](ResponseWriter& w, Request& r) {
        const wire::http::Url& u = r.url();
        (void)w.write("path=" + u.path + "\nraw_path=" + u.raw_path + "\nquery=" + u.raw_query +
                      "\nq=" + std::string(u.query().get("q")) + "\nscheme=" + u.scheme +
                      "\nhost=" + u.host + "\nuri=" + u.request_uri() + "\n");
    });
}

}  // namespace

TEST_CASE("Request::url(): the path decoded, the query as sent (Go's r.URL)") {
    TestServer server(url_echo());
    wire::http::Client c;
    auto resp = c.get("http://" + server.address() + "/caf%C3%A9/a%2Fb?q=x+y&z=%26");
    REQUIRE(resp);
    CHECK(resp->read_all().value() ==
          "path=/caf\xC3\xA9/a/b\nraw_path=/caf%C3%A9/a%2Fb\nquery=q=x+y&z=%26\nq=x y\n"
          "scheme=\nhost=\nuri=/caf%C3%A9/a%2Fb?q=x+y&z=%26\n");
}

TEST_CASE("Request::url(): each kept-alive request gets its own URL, not the last one's") {
    TestServer server(url_echo());
    wire::http::test::Client c(server);
    // Same length targets, so a cache keyed on the size alone would be fooled.
    c.send(wire::http::test::get("/aa?q=1") + wire::http::test::get("/bb?q=2"));
    const auto first = c.read();
    const auto second = c.read();
    CHECK(first.body.find("path=/aa\n") != std::string::npos);
    CHECK(first.body.find("q=1\n") != std::string::npos);
    CHECK(second.body.find("path=/bb\n") != std::string::npos);
    CHECK(second.body.find("q=2\n") != std::string::npos);
}

TEST_CASE("Request::url(): an absolute-form target gives scheme and host (RFC 9112 §3.2.2)") {
    TestServer server(url_echo());
    const auto resp = wire::http::test::roundtrip(
        server, "GET http://example.com:81/p%20q?q=1 HTTP/1.1\r\nHost: example.com:81\r\n\r\n");
    CHECK(resp.status == 200);
    CHECK(resp.body.find("path=/p q\n") != std::string::npos);
    CHECK(resp.body.find("scheme=http\n") != std::string::npos);
    CHECK(resp.body.find("host=example.com:81\n") != std::string::npos);
}

TEST_CASE("Request::url() follows strip_prefix, before and after the rewrite") {
    auto mux = std::make_shared<wire::http::ServeMux>();
    auto inner = url_echo();
    mux->handle_func("/static/", [&](ResponseWriter& w, Request& r) {
        // Asked before the prefix goes: the outer URL; the inner handler must see its own.
        CHECK(r.url().path == "/static/x y");
        wire::http::strip_prefix("/static", inner)->serve(w, r);
        CHECK(r.url().path == "/static/x y");  // restored afterwards, as r.path is
    });
    TestServer server(mux);
    wire::http::Client c;
    auto resp = c.get("http://" + server.address() + "/static/x%20y");
    REQUIRE(resp);
    const std::string body = resp->read_all().value();
    CHECK(body.find("path=/x y\n") != std::string::npos);
    CHECK(body.find("raw_path=/x%20y\n") != std::string::npos);
}
