// ServeMux::handler(r), Go's ServeMux.Handler: which handler and pattern a request would get,
// checked by asking and then by running the returned handler on a real connection.
#include <doctest/doctest.h>

#include <string>

#include "http/serve_mux.hpp"
#include "tests/http/server_support.hpp"

using wire::http::Request;
using wire::http::ResponseWriter;
using wire::http::ServeMux;
using wire::http::test::TestServer;

namespace {

// A server whose every request is answered by what mux.handler(r) returns, with the pattern
// in an X-Pattern field: the lookup and the handler both go through the wire.
struct Probe {
    explicit Probe(std::shared_ptr<ServeMux> m)
        : mux(std::move(m)), server(wire::http::handler_func([this](ResponseWriter& w, Request& r) {
              const ServeMux::Match found = mux->handler(r);
              REQUIRE(found.handler);
              w.header().set("X-Pattern", found.pattern);
              found.handler->serve(w, r);
          })) {}
    wire::http::test::Response get(std::string_view target, std::string_view method = "GET") {
        std::string req(method);
        req.append(" ").append(target).append(" HTTP/1.1\r\nHost: example.com\r\n\r\n");
        return wire::http::test::roundtrip(server, req, method == "HEAD");
    }
    std::shared_ptr<ServeMux> mux;
    TestServer server;
};

}  // namespace

TEST_CASE("ServeMux::handler: the registered handler and its pattern, without running it") {
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("GET /users/{id}", [](ResponseWriter& w, Request&) { (void)w.write("user"); });
    mux->handle_func("/tree/", [](ResponseWriter& w, Request&) { (void)w.write("tree"); });
    Probe p(mux);

    auto r = p.get("/users/7");
    CHECK(r.status == 200);
    CHECK(r.body == "user");
    CHECK(r.get("X-Pattern") == "GET /users/{id}");

    r = p.get("/tree/a/b");
    CHECK(r.body == "tree");
    CHECK(r.get("X-Pattern") == "/tree/");
}

TEST_CASE("ServeMux::handler: redirects, 405 and 404 come back as handlers, as Go's do") {
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("GET /users/{id}", [](ResponseWriter& w, Request&) { (void)w.write("user"); });
    mux->handle_func("/tree/", [](ResponseWriter& w, Request&) { (void)w.write("tree"); });
    Probe p(mux);

    // The subtree redirect: pattern is the path redirected to.
    auto r = p.get("/tree?x=1");
    CHECK(r.status == 301);
    CHECK(r.get("Location") == "/tree/?x=1");
    CHECK(r.get("X-Pattern") == "/tree/");

    // The clean-path redirect: pattern is what the cleaned path would match.
    r = p.get("/users/../users/7");
    CHECK(r.status == 301);
    CHECK(r.get("Location") == "/users/7");
    CHECK(r.get("X-Pattern") == "GET /users/{id}");

    r = p.get("/users/7", "DELETE");
    CHECK(r.status == 405);
    CHECK(r.get("Allow") == "GET, HEAD");
    CHECK(r.get("X-Pattern").empty());

    r = p.get("/nowhere");
    CHECK(r.status == 404);
    CHECK(r.body == "404 page not found\n");
    CHECK(r.get("X-Pattern").empty());
}
