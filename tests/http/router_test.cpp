#include "http/router.hpp"

#include <doctest/doctest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using wire::http::RouteMatch;
using wire::http::Router;

namespace {

Router make(std::initializer_list<const char*> patterns) {
    Router r;
    for (const char* p : patterns)
        (void)r.add(p);
    return r;
}

// One line per outcome: "<pattern> k=v ...", "404", "405 <Allow>" or "301 <location>".
std::string route(const Router& r, const char* method, const char* host, const char* path) {
    RouteMatch m;
    r.match(method, host, path, m);
    switch (m.outcome()) {
        case RouteMatch::Outcome::matched: {
            std::string out(m.pattern());
            for (const auto& v : m.path_values()) {
                out.append(" ").append(v.name).append("=").append(v.value);
            }
            return out;
        }
        case RouteMatch::Outcome::not_found:
            return "404";
        case RouteMatch::Outcome::method_not_allowed:
            return "405 " + std::string(m.allow());
        case RouteMatch::Outcome::redirect:
            return "301 " + std::string(m.redirect_path());
    }
    return "?";
}

struct Request {
    const char* method;
    const char* host;
    const char* path;
    const char* expect;
};

void check_all(const Router& r, std::initializer_list<Request> requests) {
    for (const Request& q : requests) {
        const std::string request = std::string(q.method) + " " + q.host + " " + q.path;
        CAPTURE(request);
        CHECK(route(r, q.method, q.host, q.path) == q.expect);
    }
}

// Registers `pattern` after `base`; returns the refusal message, or "accepted".
std::string conflict(std::initializer_list<const char*> base, const char* pattern) {
    Router r = make(base);
    try {
        (void)r.add(pattern);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_CASE("Router: the examples of Go's ServeMux documentation") {
    const Router r = make({"/index.html", "GET /static/", "example.com/", "example.com/{$}",
                           "/b/{bucket}/o/{objectname...}"});
    check_all(r, {
                     {"GET", "", "/index.html", "/index.html"},
                     {"DELETE", "other.org", "/index.html", "/index.html"},
                     {"GET", "", "/static/app.js", "GET /static/"},
                     {"HEAD", "", "/static/css/x.css", "GET /static/"},
                     {"POST", "", "/static/app.js", "405 GET, HEAD"},
                     {"POST", "example.com", "/anything", "example.com/"},
                     {"GET", "example.com", "/", "example.com/{$}"},
                     {"GET", "example.com:8080", "/", "example.com/{$}"},  // port ignored
                     {"GET", "", "/b/pics/o/2024/cat.png",
                      "/b/{bucket}/o/{objectname...} bucket=pics objectname=2024/cat.png"},
                     {"GET", "", "/b/pics/x/cat.png", "404"},
                 });
}

TEST_CASE("Router: the more specific pattern wins, whatever the registration order") {
    const char* patterns[] = {"/images/",    "/images/thumbnails/",  "/images/{name}",
                              "/images/{$}", "GET /images/logo.png", "/"};
    const Request requests[] = {
        {"GET", "", "/images/thumbnails/a.png", "/images/thumbnails/"},
        {"GET", "", "/images/a.png", "/images/{name} name=a.png"},
        {"GET", "", "/images/a/", "/images/"},
        {"GET", "", "/images/", "/images/{$}"},
        {"GET", "", "/images/logo.png", "GET /images/logo.png"},
        {"POST", "", "/images/logo.png", "/images/{name} name=logo.png"},
        {"GET", "", "/other", "/"},
    };
    // Forward and reverse registration must route identically.
    for (int pass = 0; pass < 2; ++pass) {
        Router r;
        for (int i = 0; i < 6; ++i)
            (void)r.add(patterns[pass == 0 ? i : 5 - i]);
        for (const Request& q : requests) {
            CAPTURE(q.path);
            CHECK(route(r, q.method, q.host, q.path) == q.expect);
        }
    }
}

TEST_CASE("Router: wildcards, {$}, subtrees and multi wildcards") {
    const Router r = make({"/posts/{$}", "/posts/{id}", "/posts/{id}/comments/{cid}",
                           "/files/{path...}", "/users/{u}/", "/x/{a}/{b}/{c}"});
    check_all(r, {
                     {"GET", "", "/posts/", "/posts/{$}"},
                     {"GET", "", "/posts/7", "/posts/{id} id=7"},
                     {"GET", "", "/posts/7/comments/9", "/posts/{id}/comments/{cid} id=7 cid=9"},
                     {"GET", "", "/posts/7/comments/", "404"},  // {cid} never matches ""
                     {"GET", "", "/posts/7/x", "404"},
                     {"GET", "", "/posts", "301 /posts/"},
                     {"GET", "", "/files/", "/files/{path...} path="},
                     {"GET", "", "/files/a/b/c.txt", "/files/{path...} path=a/b/c.txt"},
                     {"GET", "", "/files/a/b/", "/files/{path...} path=a/b/"},
                     {"GET", "", "/files", "301 /files/"},
                     {"GET", "", "/users/ann/", "/users/{u}/ u=ann"},
                     {"GET", "", "/users/ann/pics/1", "/users/{u}/ u=ann"},
                     {"GET", "", "/users/ann", "301 /users/ann/"},
                     {"GET", "", "/x/1/2/3", "/x/{a}/{b}/{c} a=1 b=2 c=3"},
                     {"GET", "", "/x/1/2", "404"},
                     {"GET", "", "/nothing", "404"},
                     {"GET", "", "*", "404"},  // OPTIONS * is the server's business
                     {"GET", "", "", "404"},
                 });
}

TEST_CASE("Router: segments are unescaped one by one, never split on %2F") {
    const Router r = make({"/a/{x}", "/lit/a%20b", "/lit/a%2Fb", "/rest/{r...}", "/e/{x}/end"});
    check_all(r, {
                     {"GET", "", "/a/x%2Fy", "/a/{x} x=x/y"},
                     {"GET", "", "/a/caf%C3%A9", "/a/{x} x=caf\xC3\xA9"},
                     {"GET", "", "/a/%zz", "/a/{x} x=%zz"},  // malformed: kept as sent
                     {"GET", "", "/a/x/y", "404"},
                     {"GET", "", "/lit/a%20b", "/lit/a%20b"},
                     {"GET", "", "/lit/a%2fb", "/lit/a%2Fb"},
                     {"GET", "", "/lit/a/b", "404"},
                     {"GET", "", "/%6cit/a%20b", "/lit/a%20b"},  // an escaped literal
                     {"GET", "", "/rest/a%2Fb/c%20d", "/rest/{r...} r=a/b/c d"},
                     {"GET", "", "/e/%41/end", "/e/{x}/end x=A"},
                 });
}

TEST_CASE("Router: GET also serves HEAD, an explicit HEAD route wins for HEAD") {
    const Router r = make({"GET /a", "HEAD /b", "GET /b", "/c", "HEAD /d"});
    check_all(r, {
                     {"HEAD", "", "/a", "GET /a"},
                     {"HEAD", "", "/b", "HEAD /b"},
                     {"GET", "", "/b", "GET /b"},
                     {"HEAD", "", "/c", "/c"},
                     {"GET", "", "/d", "405 HEAD"},
                     {"POST", "", "/a", "405 GET, HEAD"},
                 });
}

TEST_CASE("Router: a host-specific pattern takes precedence over every host-less one") {
    const Router r =
        make({"/a/{x}", "example.com/", "example.com/b/", "GET /b/c", "other.org/a/{y}"});
    check_all(r, {
                     {"GET", "example.com", "/a/1", "example.com/"},
                     {"GET", "EXAMPLE.COM", "/a/1", "example.com/"},  // hosts ignore case
                     {"GET", "example.com", "/b/c", "example.com/b/"},
                     {"GET", "", "/b/c", "GET /b/c"},
                     {"GET", "other.org", "/a/1", "other.org/a/{y} y=1"},
                     {"GET", "other.org", "/b/c", "GET /b/c"},  // falls back to host-less
                     {"GET", "nowhere", "/a/1", "/a/{x} x=1"},
                     {"GET", "[::1]:8080", "/a/1", "/a/{x} x=1"},
                 });
}

TEST_CASE("Router: 405 with Allow only when the path matches under other methods") {
    const Router r =
        make({"GET /r", "POST /r", "DELETE /r/{id}", "PUT example.com/r", "GET /s/", "PATCH /s"});
    check_all(r, {
                     {"PUT", "", "/r", "405 GET, HEAD, POST"},
                     {"PUT", "example.com", "/r", "PUT example.com/r"},
                     {"OPTIONS", "example.com", "/r", "405 GET, HEAD, POST, PUT"},
                     {"GET", "", "/r/1", "405 DELETE"},
                     {"GET", "", "/zz", "404"},
                     // "/s" itself is PATCH only; "/s/" (GET) would redirect for GET.
                     {"POST", "", "/s", "405 GET, HEAD, PATCH"},
                     {"GET", "", "/s", "301 /s/"},
                     {"PATCH", "", "/s", "PATCH /s"},
                 });
}

TEST_CASE("Router: the trailing-slash redirect follows Go's exact-match rule") {
    const Router r = make({"/", "/tree/", "/leaf", "/dir/{$}", "/multi/{rest...}", "/a/b/"});
    check_all(r, {
                     {"GET", "", "/tree", "301 /tree/"},  // "/" matches, but only as a subtree
                     {"GET", "", "/tree/", "/tree/"},
                     {"GET", "", "/leaf", "/leaf"},
                     {"GET", "", "/leaf/", "/"},  // no redirect away from a trailing slash
                     {"GET", "", "/dir", "301 /dir/"},
                     {"GET", "", "/multi", "301 /multi/"},
                     {"GET", "", "/a/b", "301 /a/b/"},
                     {"GET", "", "/a", "/"},  // "/a/" is not registered exactly
                     {"GET", "", "/x%20y", "/"},
                 });
    const Router methods = make({"POST /form/", "GET /page"});
    check_all(methods, {
                           {"POST", "", "/form", "301 /form/"},
                           {"GET", "", "/form", "405 POST"},  // redirect only for a method
                                                              // that would be served
                       });
}

TEST_CASE("Router: conflicting registrations are refused, naming both patterns and a path") {
    const auto base = {"/posts/{id}", "/a/{x}", "example.com/a/{x}"};
    struct Case {
        const char* pattern;
        const char* both;  // the path both match, as the message states it
        const char* other;
    };
    const Case cases[] = {
        {"/{resource}/latest", "/posts/latest", "/posts/{id}"},
        {"/posts/{name}", "/posts/id", "/posts/{id}"},  // same requests
        {"/{y}/b", "/posts/b", "/posts/{id}"},
        {"/a/{y}", "/a/x", "/a/{x}"},
        {"example.com/{y}/b", "/a/b", "example.com/a/{x}"},
    };
    for (const Case& c : cases) {
        const std::string pattern = c.pattern;
        CAPTURE(pattern);
        const std::string message = conflict(base, c.pattern);
        CAPTURE(message);
        CHECK(message.find("\"" + pattern + "\" conflicts with \"" + c.other + "\"") !=
              std::string::npos);
        CHECK(message.find(std::string("both match the path \"") + c.both + "\"") !=
              std::string::npos);
    }
    // Go's documented conflict: GET / serves fewer methods but more paths than /index.html.
    const std::string docs = conflict({"GET /"}, "/index.html");
    CHECK(docs.find("\"/index.html\" conflicts with \"GET /\"") != std::string::npos);
    CHECK(docs.find("matches more methods than \"GET /\" but has a more specific path") !=
          std::string::npos);
    CHECK(docs.find("both match the path \"/index.html\"") != std::string::npos);
    // A refused pattern leaves the router as it was.
    Router copy = make(base);
    CHECK_THROWS_AS((void)copy.add("/a/{z}"), std::invalid_argument);
    CHECK(copy.size() == 3);
    CHECK(route(copy, "GET", "", "/a/1") == "/a/{x} x=1");
    // And the ones that do not conflict are accepted.
    for (const char* ok : {"POST /posts/{id}", "/posts/{id}/", "other.org/a/{x}", "/a/{x}/{y}"}) {
        CHECK(conflict(base, ok) == "accepted");
    }
}

TEST_CASE("Router: malformed patterns are refused as programmer errors") {
    Router r;
    CHECK_THROWS_AS((void)r.add("{id}/users"), std::invalid_argument);
    CHECK_THROWS_AS((void)r.add("/a/{x}/{x}"), std::invalid_argument);
    CHECK_THROWS_AS((void)r.add("/{$}/a"), std::invalid_argument);
    CHECK(r.size() == 0);
}

TEST_CASE("Router: route ids count registrations and name their patterns") {
    Router r;
    CHECK(r.add("/a") == 0);
    CHECK(r.add("GET /b/{x}") == 1);
    CHECK(r.pattern(1).text == "GET /b/{x}");
    RouteMatch m;
    r.match("GET", "", "/b/7", m);
    REQUIRE(m.outcome() == RouteMatch::Outcome::matched);
    CHECK(m.route() == 1);
    CHECK(m.path_value("x") == "7");
    CHECK(m.path_value("nope").empty());
}

TEST_CASE("RouteMatch: reused across requests, earlier results do not leak into later ones") {
    const Router r = make({"/a/{x}", "GET /b"});
    RouteMatch m;
    r.match("GET", "", "/a/first%20value", m);
    CHECK(m.path_value("x") == "first value");
    r.match("POST", "", "/b", m);
    CHECK(m.outcome() == RouteMatch::Outcome::method_not_allowed);
    CHECK(m.path_values().empty());
    CHECK(m.allow() == "GET, HEAD");
    r.match("GET", "", "/a/2", m);
    CHECK(m.path_value("x") == "2");
    CHECK(m.allow().empty());
    r.match("GET", "", "/zzz", m);
    CHECK(m.outcome() == RouteMatch::Outcome::not_found);
}

TEST_CASE("Router::explain tells the winner and why the others lost") {
    const Router r = make({"/images/", "/images/{name}", "POST /images/{name}",
                           "example.com/images/", "other.org/images/{n}"});
    const std::string text = r.explain("GET", "", "/images/cat.png");
    CAPTURE(text);
    CHECK(text.find("matched \"/images/{name}\" (route 1), name=\"cat.png\"") != std::string::npos);
    CHECK(text.find("lost \"/images/\": the winner is more specific") != std::string::npos);
    CHECK(text.find("lost \"POST /images/{name}\": it does not accept method GET") !=
          std::string::npos);
    CHECK(text.find("lost \"example.com/images/\": it is for host \"example.com\"") !=
          std::string::npos);
    const std::string hosted = r.explain("GET", "example.com", "/images/cat.png");
    CAPTURE(hosted);
    CHECK(hosted.find("lost \"/images/{name}\": a pattern naming the host wins") !=
          std::string::npos);
    CHECK(r.explain("PUT", "", "/images/x").find("matched \"/images/{name}\"") !=
          std::string::npos);
    const std::string refused = make({"GET /only"}).explain("PUT", "", "/only");
    CHECK(refused.find("405 Method Not Allowed, Allow: GET, HEAD") != std::string::npos);
    CHECK(refused.find("lost \"GET /only\": it does not accept method PUT") != std::string::npos);
    CHECK(r.explain("GET", "", "/images").find("301 redirect to \"/images/\"") !=
          std::string::npos);
    CHECK(r.explain("GET", "", "/nope").find("404 Not Found") != std::string::npos);
}

TEST_CASE("Router: match() is safe from many threads at once, each with its own RouteMatch") {
    const Router r = make({"/a/{x}", "GET /b/", "h.com/c/{rest...}"});
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&r, &wrong, t] {
            RouteMatch m;
            for (int i = 0; i < 2000; ++i) {
                const std::string value = std::to_string(t * 10000 + i);
                const std::string path = "/a/" + value;
                r.match("GET", "", path, m);
                if (m.path_value("x") != value) ++wrong[static_cast<std::size_t>(t)];
                r.match("PUT", "h.com", "/b/x", m);
                if (m.outcome() != RouteMatch::Outcome::method_not_allowed) {
                    ++wrong[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& th : threads)
        th.join();
    CHECK(wrong == std::vector<int>(4, 0));
}
