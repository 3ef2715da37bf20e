// ServeMux through the server: Go 1.22 precedence, redirects, 404/405, path values, explain.
#include "http/serve_mux.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "http/handlers.hpp"
#include "tests/http/server_support.hpp"

using namespace wire::http;
using namespace wire::http::test;

namespace {

// A handler that answers with its own name and the path values it was given.
HandlerPtr named(std::string name) {
    return handler_func([name](ResponseWriter& w, Request& r) {
        std::string out = name;
        for (const char* key : {"id", "rest", "a", "b"}) {
            if (!r.path_value(key).empty()) {
                out.append(" ").append(key).append("=").append(r.path_value(key));
            }
        }
        (void)w.write(out);
    });
}

std::shared_ptr<ServeMux> routes() {
    auto mux = std::make_shared<ServeMux>();
    mux->handle("/", named("root"));
    mux->handle("/static/", named("static-tree"));
    mux->handle("/static/app.js", named("app.js"));
    mux->handle("GET /users/{id}", named("get-user"));
    mux->handle("DELETE /users/{id}", named("delete-user"));
    mux->handle("/users/{id}/files/{rest...}", named("files"));
    mux->handle("/exact/{$}", named("exact"));
    mux->handle("api.example.com/", named("api-host"));
    mux->handle("POST /form", named("form"));
    mux->handle("/tree/", named("tree"));
    mux->handle("/pair/{a}/{b}", named("ab"));
    return mux;
}

}  // namespace

TEST_CASE("ServeMux precedence: the most specific pattern wins") {
    TestServer s(routes());
    struct Case {
        std::string request;
        int status;
        std::string body;
    };
    const Case cases[] = {
        {get("/"), 200, "root"},
        {get("/nothing/here"), 200, "root"},
        {get("/static/"), 200, "static-tree"},
        {get("/static/img/logo.png"), 200, "static-tree"},
        {get("/static/app.js"), 200, "app.js"},
        {get("/users/42"), 200, "get-user id=42"},
        {"DELETE /users/7 HTTP/1.1\r\nHost: h\r\n\r\n", 200, "delete-user id=7"},
        {get("/users/42/files/a/b/c.txt"), 200, "files id=42 rest=a/b/c.txt"},
        {get("/users/%2F/files/x"), 200, "files id=/ rest=x"},
        {get("/exact/"), 200, "exact"},
        {get("/exact/more"), 200, "root"},
        {"GET /anything HTTP/1.1\r\nHost: api.example.com\r\n\r\n", 200, "api-host"},
        {"GET /anything HTTP/1.1\r\nHost: API.example.com:8080\r\n\r\n", 200, "api-host"},
        {get("/tree/leaf"), 200, "tree"},
        {get("/pair/q/r"), 200, "ab a=q b=r"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.request);
        const Response r = roundtrip(s, c.request);
        CHECK(r.status == c.status);
        CHECK(r.body == c.body);
    }
}

TEST_CASE("GET patterns also answer HEAD") {
    TestServer s(routes());
    const Response r = roundtrip(s, "HEAD /users/1 HTTP/1.1\r\nHost: h\r\n\r\n", true);
    CHECK(r.status == 200);
    CHECK(r.get("Content-Length") == "13");  // "get-user id=1"
}

TEST_CASE("ServeMux redirects: unclean paths and the trailing-slash subtree, query kept") {
    TestServer s(routes());
    struct Case {
        std::string target;
        std::string location;
    };
    const Case cases[] = {
        {"/static//app.js", "/static/app.js"},
        {"/static/./app.js", "/static/app.js"},
        {"/static/x/../app.js", "/static/app.js"},
        {"/a/b/..", "/a"},
        {"/tree/./", "/tree/"},
        {"/tree", "/tree/"},
        {"/tree?x=1&y=2", "/tree/?x=1&y=2"},
        {"/static//app.js?v=3", "/static/app.js?v=3"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.target);
        const Response r = roundtrip(s, get(c.target));
        CHECK(r.status == 301);
        CHECK(r.get("Location") == c.location);
        CHECK(r.body.find("Moved Permanently") != std::string::npos);
    }
}

TEST_CASE("404 and 405 (with Allow) and their replacements") {
    auto mux = std::make_shared<ServeMux>();
    mux->handle("GET /only-get", named("g"));
    mux->handle("PUT /only-get", named("p"));
    TestServer s(mux);
    const Response missing = roundtrip(s, get("/missing"));
    CHECK(missing.status == 404);
    CHECK(missing.body == "404 page not found\n");
    const Response wrong = roundtrip(s,
                                     "POST /only-get HTTP/1.1\r\nHost: h\r\n"
                                     "Content-Length: 0\r\n\r\n");
    CHECK(wrong.status == 405);
    CHECK(wrong.get("Allow") == "GET, HEAD, PUT");

    mux->set_not_found_handler(handler_func([](ResponseWriter& w, Request&) {
        w.write_header(404);
        (void)w.write("custom missing");
    }));
    mux->set_method_not_allowed_handler(handler_func([](ResponseWriter& w, Request&) {
        w.header().set("Content-Type", "application/json");
        w.write_header(405);
        (void)w.write("{\"error\":\"method\"}");
    }));
    CHECK(roundtrip(s, get("/missing")).body == "custom missing");
    const Response custom = roundtrip(s, "DELETE /only-get HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(custom.status == 405);
    CHECK(custom.get("Allow") == "GET, HEAD, PUT");  // set before the replacement ran
    CHECK(custom.body == "{\"error\":\"method\"}");
}

TEST_CASE("conflicting or malformed patterns are refused at registration, naming both") {
    ServeMux mux;
    mux.handle("/users/{id}", named("a"));
    try {
        mux.handle("/users/{name}", named("b"));
        FAIL("no conflict reported");
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        CHECK(what.find("/users/{name}") != std::string::npos);
        CHECK(what.find("/users/{id}") != std::string::npos);
    }
    CHECK_THROWS_AS(mux.handle("/bad/{", named("c")), std::invalid_argument);
    CHECK_THROWS_AS(mux.handle("/x", nullptr), std::invalid_argument);
}

TEST_CASE("set_path_value overrides what the pattern captured") {
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("/items/{id}", [](ResponseWriter& w, Request& r) {
        r.set_path_value("id", std::string(r.path_value("id")) + "!");
        r.set_path_value("extra", "e");
        std::string out(r.path_value("id"));
        out.append(r.path_value("extra")).append(r.pattern);
        (void)w.write(out);
    });
    TestServer s(mux);
    CHECK(roundtrip(s, get("/items/9")).body == "9!e/items/{id}");
}

TEST_CASE("explain tells which pattern won and why the others lost") {
    auto mux = routes();
    const std::string why = mux->explain("GET", "example.com", "/static/app.js");
    CHECK(why.find("/static/app.js") != std::string::npos);
    CHECK(why.find("/static/") != std::string::npos);
    const std::string unclean = mux->explain("GET", "example.com", "/a//b?x");
    CHECK(unclean.find("301") != std::string::npos);
    CHECK(unclean.find("/a/b") != std::string::npos);
}

TEST_CASE("the default mux serves a null handler") {
    handle_func("/default-mux-test", [](ResponseWriter& w, Request&) { (void)w.write("dm"); });
    TestServer s(nullptr);
    CHECK(roundtrip(s, get("/default-mux-test")).body == "dm");
}

TEST_CASE("strip_prefix, redirect and max_bytes handlers") {
    auto mux = std::make_shared<ServeMux>();
    mux->handle("/api/", strip_prefix("/api", named("inner")));
    mux->handle_func("/inner-path/", [](ResponseWriter& w, Request& r) { (void)w.write(r.path); });
    mux->handle("/v1/", strip_prefix("/v1", handler_func([](ResponseWriter& w, Request& r) {
                                         (void)w.write(r.path);
                                     })));
    mux->handle("/old", redirect_handler("/new", 308));
    mux->handle("/rel/old", redirect_handler("new", 302));
    mux->handle("/limited", max_bytes_handler(handler_func([](ResponseWriter& w, Request& r) {
                                                  std::string body;
                                                  auto res = r.body().read_all(body);
                                                  if (!res) {
                                                      error(w, "too big", 413);
                                                      return;
                                                  }
                                                  (void)w.write(body);
                                              }),
                                              4));
    TestServer s(mux);
    CHECK(roundtrip(s, get("/v1/users/1")).body == "/users/1");
    const Response moved = roundtrip(s, get("/old"));
    CHECK(moved.status == 308);
    CHECK(moved.get("Location") == "/new");
    CHECK(roundtrip(s, get("/rel/old")).get("Location") == "/rel/new");
    const auto post = [](std::string body) {
        return "POST /limited HTTP/1.1\r\nHost: h\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    };
    CHECK(roundtrip(s, post("abcd")).body == "abcd");
    const Response big = roundtrip(s, post("abcdef"));
    CHECK(big.status == 413);
    CHECK(big.body == "too big\n");
}
