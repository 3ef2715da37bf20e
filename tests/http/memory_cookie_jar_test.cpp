// MemoryCookieJar: RFC 6265 §5.3 storage rules and §5.4 sending rules as tables, then a wire
// server setting cookies for a Client that sends them back across redirects.
#include "http/memory_cookie_jar.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/date.hpp"
#include "http/handlers.hpp"
#include "tests/http/server_support.hpp"

using wire::http::Cookie;
using wire::http::CookieJarOptions;
using wire::http::MemoryCookieJar;
using namespace std::chrono_literals;

namespace {

constexpr std::time_t kStart = 1'700'000'000;

// A jar whose clock the test moves by hand.
struct TestJar {
    std::chrono::system_clock::time_point now = std::chrono::system_clock::from_time_t(kStart);
    MemoryCookieJar jar;

    explicit TestJar(std::shared_ptr<const wire::http::PublicSuffixList> list = nullptr)
        : jar(CookieJarOptions{std::move(list), [this] { return now; }}) {}
    // With limits: cookie bytes, cookies per domain, cookies in all.
    TestJar(std::size_t bytes, std::size_t per_domain, std::size_t total)
        : jar(CookieJarOptions{nullptr, [this] { return now; }, bytes, per_domain, total}) {}

    // Parses each Set-Cookie value as a Client does and hands them to the jar together.
    void set(std::string_view url, const std::vector<std::string>& set_cookie_fields) {
        std::vector<Cookie> cs;
        for (const std::string& field : set_cookie_fields) {
            Cookie c;
            REQUIRE(wire::http::parse_set_cookie(field, c));
            cs.push_back(c);
        }
        jar.set_cookies(url, cs);
    }
    // What would go in the Cookie field of a request for `url`: "a=1 b=2", "" for none.
    std::string sent(std::string_view url) {
        std::string s;
        for (const Cookie& c : jar.cookies(url))
            s += (s.empty() ? "" : " ") + c.name + "=" + c.value;
        return s;
    }
};

std::string http_date(std::time_t t) {
    char buf[wire::http::kHttpDateSize];
    wire::http::format_http_date(t, buf);
    return std::string(buf, sizeof buf);
}

struct Query {
    const char* url;
    const char* want;
};

struct Case {
    const char* name;
    const char* from;  // the URL the Set-Cookie fields came from
    std::vector<std::string> set_cookies;
    std::vector<Query> queries;
};

void run(const Case& c, std::shared_ptr<const wire::http::PublicSuffixList> list = nullptr) {
    TestJar t(std::move(list));
    t.set(c.from, c.set_cookies);
    for (const Query& q : c.queries) {
        CAPTURE(std::string(c.name));
        CAPTURE(std::string(q.url));
        CHECK(t.sent(q.url) == q.want);
    }
}

}  // namespace

TEST_CASE("MemoryCookieJar: host-only and domain cookies (RFC 6265 §5.3 steps 4-6, §5.4)") {
    const std::vector<Case> cases = {
        {"no Domain: host-only, sent to that host alone",
         "http://www.host.test/",
         {"a=1"},
         {{"http://www.host.test/", "a=1"},
          {"http://WWW.HOST.TEST/", "a=1"},
          {"http://www.host.test:8080/", "a=1"},  // §8.5: cookies do not isolate by port
          {"http://host.test/", ""},
          {"http://sub.www.host.test/", ""}}},
        {"Domain: sent to the domain and every subdomain",
         "http://www.host.test/",
         {"a=1; Domain=host.test"},
         {{"http://host.test/", "a=1"},
          {"http://www.host.test/", "a=1"},
          {"http://x.y.host.test/", "a=1"},
          {"http://badhost.test/", ""},
          {"http://other.test/", ""}}},
        {"a leading dot is ignored, case does not matter",
         "http://www.host.test/",
         {"a=1; Domain=.HOST.test"},
         {{"http://foo.host.test/", "a=1"}}},
        {"Domain equal to the host: a domain cookie, subdomains get it",
         "http://www.host.test/",
         {"a=1; Domain=www.host.test"},
         {{"http://www.host.test/", "a=1"}, {"http://a.www.host.test/", "a=1"}}},
        {"Domain the host does not domain-match: ignored",
         "http://www.host.test/",
         {"a=1; Domain=other.test", "b=2; Domain=sub.www.host.test", "c=3; Domain=ost.test"},
         {{"http://www.host.test/", ""},
          {"http://other.test/", ""},
          {"http://sub.www.host.test/", ""},
          {"http://ost.test/", ""}}},
        {"malformed Domain: ignored",
         "http://www.host.test/",
         {"a=1; Domain=..host.test", "b=2; Domain=host.test."},
         {{"http://www.host.test/", ""}}},
        {"an IP host: Domain must be that address, the cookie stays host-only",
         "http://127.0.0.1/",
         {"a=1; Domain=127.0.0.1", "b=2; Domain=0.0.1", "c=3; Domain=127.0.0.2", "d=4"},
         {{"http://127.0.0.1/", "a=1 d=4"}, {"http://127.0.0.2/", ""}}},
        {"IPv6 host",
         "http://[::1]:8080/",
         {"a=1", "b=2; Domain=::2"},
         {{"http://[::1]/", "a=1"}, {"http://[::2]/", ""}}},
        {"a public suffix without a list: kept, but filed under the host's last two labels",
         "http://example.com/",
         {"a=1; Domain=com"},
         {{"http://www.example.com/", "a=1"}, {"http://other.com/", ""}}},
        {"only http and https URLs",
         "ftp://www.host.test/",
         {"a=1"},
         {{"ftp://www.host.test/", ""}, {"http://www.host.test/", ""}, {"not a url", ""}}},
    };
    for (const Case& c : cases)
        run(c);
}

TEST_CASE("MemoryCookieJar: Path and default-path (RFC 6265 §5.3 step 7, §5.1.4), sending order") {
    const std::vector<Case> cases = {
        {"default-path is the request path up to its last slash; longer paths go first",
         "http://www.host.test/a/b/c",
         {"a=1", "b=2; Path=/a", "c=3; Path=/a/b/c", "d=4; Path=relative", "e=5; Path=/"},
         {{"http://www.host.test/a/b/c", "c=3 a=1 d=4 b=2 e=5"},
          {"http://www.host.test/a/b/c/d?q=1", "c=3 a=1 d=4 b=2 e=5"},
          {"http://www.host.test/a/b", "a=1 d=4 b=2 e=5"},
          {"http://www.host.test/a/bc", "b=2 e=5"},
          {"http://www.host.test/a", "b=2 e=5"},
          {"http://www.host.test/ab", "e=5"},
          {"http://www.host.test", "e=5"}}},
        {"the same name on different paths: two cookies",
         "http://www.host.test/",
         {"a=1; Path=/", "a=2; Path=/p"},
         {{"http://www.host.test/p/x", "a=2 a=1"}, {"http://www.host.test/q", "a=1"}}},
        {"the same name for the host and its domain: two cookies",
         "http://www.host.test/",
         {"a=1", "a=2; Domain=host.test"},
         {{"http://www.host.test/", "a=1 a=2"}, {"http://host.test/", "a=2"}}},
    };
    for (const Case& c : cases)
        run(c);
}

TEST_CASE("MemoryCookieJar: Secure cookies go only to https (RFC 6265 §5.4 step 1)") {
    run({"Secure",
         "https://www.host.test/",
         {"s=1; Secure", "p=2"},
         {{"https://www.host.test/", "s=1 p=2"},
          {"http://www.host.test/", "p=2"},
          {"HTTPS://www.host.test/", "s=1 p=2"}}});
}

TEST_CASE("MemoryCookieJar: Max-Age wins over Expires; <= 0 or a past date deletes (§5.3 step 3)") {
    TestJar t;
    const std::string url = "http://www.host.test/";
    t.set(url, {"a=1; Max-Age=10", "b=2; Expires=" + http_date(kStart + 10),
                "c=3; Max-Age=100; Expires=" + http_date(kStart - 100),  // Max-Age wins
                "d=4; Max-Age=0", "e=5; Expires=" + http_date(kStart - 1),
                "f=6; Expires=" + http_date(kStart + 10) + "; Max-Age=-5", "g=7"});
    CHECK(t.sent(url) == "a=1 b=2 c=3 g=7");
    CHECK(t.jar.size() == 4);
    t.now += 9s;
    CHECK(t.sent(url) == "a=1 b=2 c=3 g=7");
    t.now += 1s;  // expiry-time reached: expired (§5.3: "expiry date in the past")
    CHECK(t.sent(url) == "c=3 g=7");
    CHECK(t.jar.size() == 2);  // dropped when looked at

    // Deleting: the same (domain, path, name) with Max-Age=0 or a past Expires.
    t.set(url, {"c=; Max-Age=0"});
    CHECK(t.sent(url) == "g=7");
    t.set(url, {"g=x; Expires=" + http_date(kStart)});
    CHECK(t.sent(url) == "");
    // A deletion for another path leaves the cookie alone.
    t.set(url, {"h=1; Path=/x"});
    t.set(url, {"h=; Path=/; Max-Age=0"});
    CHECK(t.sent("http://www.host.test/x") == "h=1");
    // An absurd Max-Age does not overflow into the past.
    t.set(url, {"i=1; Max-Age=9223372036854775807"});
    CHECK(t.sent(url) == "i=1");
}

TEST_CASE("MemoryCookieJar: replacing a cookie keeps its creation time (§5.3 step 11)") {
    TestJar t;
    const std::string url = "http://www.host.test/";
    t.set(url, {"a=1"});
    t.now += 1s;
    t.set(url, {"b=2"});
    t.now += 1s;
    t.set(url, {"a=3; Max-Age=100"});
    CHECK(t.sent(url) == "a=3 b=2");  // a keeps its place before b
    CHECK(t.jar.size() == 2);
    // Created in the same second: still in the order they were set.
    t.set(url, {"z=1", "y=2", "x=3"});
    CHECK(t.sent(url) == "a=3 b=2 z=1 y=2 x=3");
    // Deleted then set again: a new cookie, now the last.
    t.set(url, {"a=; Max-Age=0"});
    t.set(url, {"a=4"});
    CHECK(t.sent(url) == "b=2 z=1 y=2 x=3 a=4");
}

namespace {

// A list that knows "uk", "co.uk" and one-label TLDs: enough to test §5.3 step 5.
class TestSuffixes final : public wire::http::PublicSuffixList {
  public:
    std::string public_suffix(std::string_view domain) const override {
        if (domain == "co.uk" || domain.ends_with(".co.uk")) return "co.uk";
        const std::size_t dot = domain.rfind('.');
        return std::string(dot == std::string_view::npos ? domain : domain.substr(dot + 1));
    }
};

}  // namespace

TEST_CASE("MemoryCookieJar: a PublicSuffixList refuses cookies for public suffixes (§5.3 step 5)") {
    const auto list = std::make_shared<TestSuffixes>();
    const std::vector<Case> cases = {
        {"Domain is a public suffix: ignored",
         "http://www.example.co.uk/",
         {"a=1; Domain=co.uk", "b=2; Domain=uk", "c=3; Domain=example.co.uk"},
         {{"http://www.example.co.uk/", "c=3"},
          {"http://other.co.uk/", ""},
          {"http://x.example.co.uk/", "c=3"}}},
        {"Domain is a public suffix and the host itself: host-only",
         "http://co.uk/",
         {"a=1; Domain=co.uk"},
         {{"http://co.uk/", "a=1"}, {"http://example.co.uk/", ""}}},
    };
    for (const Case& c : cases)
        run(c, list);
    // Without the list, a.co.uk and b.co.uk share the key "co.uk": the header's caveat.
    run({"no list", "http://a.co.uk/", {"a=1; Domain=co.uk"}, {{"http://b.co.uk/", "a=1"}}});
}

TEST_CASE("MemoryCookieJar: a cookie past max_cookie_bytes is ignored (RFC 6265 §6.1)") {
    TestJar t(16, 180, 3300);
    t.set("http://example.com/", {"name=" + std::string(12, 'v')});  // 4 + 12: at the limit
    t.set("http://example.com/", {"big=" + std::string(14, 'v')});   // 3 + 14: over
    CHECK(t.sent("http://example.com/") == "name=" + std::string(12, 'v'));
    CHECK(t.jar.size() == 1);
}

TEST_CASE("MemoryCookieJar: past the per-domain limit the least recently used cookie goes (§5.3)") {
    TestJar t(4096, 3, 3300);
    t.set("http://example.com/", {"a=1"});
    t.now += 1s;
    t.set("http://example.com/", {"b=2"});
    t.now += 1s;
    t.set("http://example.com/", {"c=3"});
    t.now += 1s;
    CHECK(t.sent("http://example.com/") == "a=1 b=2 c=3");  // all three used now
    t.now += 1s;
    t.set("http://example.com/", {"b=22"});  // b used (replaced) last, a and c before
    t.now += 1s;
    t.set("http://example.com/", {"d=4"});  // a and c tie on last use: the older, a, goes
    CHECK(t.jar.size() == 3);
    CHECK(t.sent("http://example.com/") == "b=22 c=3 d=4");
    // Another domain has a budget of its own.
    t.set("http://other.org/", {"x=1", "y=2", "z=3"});
    CHECK(t.jar.size() == 6);
    CHECK(t.sent("http://other.org/") == "x=1 y=2 z=3");
}

TEST_CASE("MemoryCookieJar: past the total limit expired cookies go first, then the oldest used") {
    TestJar t(4096, 180, 4);
    t.set("http://a.com/", {"a=1; Max-Age=10"});
    t.now += 1s;
    t.set("http://b.com/", {"b=1"});
    t.now += 1s;
    t.set("http://c.com/", {"c=1"});
    t.now += 1s;
    t.set("http://d.com/", {"d=1"});
    t.now += 20s;  // a=1 has expired, unseen
    t.set("http://e.com/", {"e=1"});
    CHECK(t.jar.size() == 4);
    CHECK(t.sent("http://b.com/") == "b=1");  // the expired one went, not b, the oldest
    t.now += 1s;
    t.set("http://f.com/", {"f=1"});  // now c, least recently used, goes
    CHECK(t.jar.size() == 4);
    CHECK(t.sent("http://c.com/").empty());
    CHECK(t.sent("http://b.com/") == "b=1");
    CHECK(t.sent("http://f.com/") == "f=1");
    // A hostile server setting many cookies cannot grow the jar.
    for (int i = 0; i < 100; ++i)
        t.set("http://evil.com/", {"k" + std::to_string(i) + "=v"});
    CHECK(t.jar.size() == 4);
}

TEST_CASE("MemoryCookieJar: used from several threads at once") {
    MemoryCookieJar jar;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&jar, i] {
            Cookie c;
            c.name = "t" + std::to_string(i);
            for (int n = 0; n < 200; ++n) {
                c.value = std::to_string(n);
                jar.set_cookies("http://www.host.test/", std::span(&c, 1));
                CHECK(!jar.cookies("http://www.host.test/").empty());
            }
        });
    }
    for (auto& t : threads)
        t.join();
    CHECK(jar.cookies("http://www.host.test/").size() == 4);
}

TEST_CASE("MemoryCookieJar + Client: a wire server's cookies come back on every redirect hop") {
    using wire::http::Request;
    using wire::http::ResponseWriter;
    std::string port;
    auto cookie = [](ResponseWriter& w, const char* name, const char* value, const char* path,
                     long max_age = 0, bool secure = false) {
        Cookie c;
        c.name = name, c.value = value, c.path = path, c.max_age = max_age, c.secure = secure;
        wire::http::set_cookie(w, c);
    };
    wire::http::test::TestServer server(
        wire::http::handler_func([&](ResponseWriter& w, Request& r) {
            const std::string_view p = r.path;
            if (p == "/login") {
                cookie(w, "session", "abc", "/");
                cookie(w, "app", "1", "/app");
                cookie(w, "vault", "x", "/", 0, true);  // Secure: never over http://
                wire::http::redirect(w, r, "/app/home", 302);
            } else if (p == "/away") {
                // Another host name for this server: host-only cookies must not follow.
                wire::http::redirect(w, r, "http://localhost:" + port + "/local", 307);
            } else if (p == "/local") {
                cookie(w, "local", "1", "/");
                wire::http::redirect(w, r, "http://127.0.0.1:" + port + "/echo", 303);
            } else if (p == "/logout") {
                cookie(w, "session", "", "/", -1);  // Max-Age=0
                wire::http::redirect(w, r, "/echo", 302);
            } else {
                std::string got = std::string(r.header.get("Cookie"));
                (void)w.write(std::string(p) + ":" + (got.empty() ? "-" : got));
            }
        }));
    port = std::to_string(server.port());
    const std::string base = "http://127.0.0.1:" + port;
    auto jar = std::make_shared<MemoryCookieJar>();
    wire::http::Client client;
    client.jar = jar;
    auto body = [&](std::string_view url) {
        auto r = client.get(url);
        REQUIRE(r);
        return r->read_all().value();
    };
    // The redirect's next hop already carries what the first hop set: longer path first.
    CHECK(body(base + "/login") == "/app/home:app=1; session=abc");
    CHECK(body(base + "/echo") == "/echo:session=abc");
    CHECK(jar->size() == 3);
    // 127.0.0.1 -> localhost -> 127.0.0.1: each host gets only its own cookies.
    CHECK(body(base + "/away") == "/echo:session=abc");
    CHECK(body("http://localhost:" + port + "/echo") == "/echo:local=1");
    // Deleted by the server on the first hop, so the second hop goes without it.
    CHECK(body(base + "/logout") == "/echo:-");
    CHECK(body(base + "/app/x") == "/app/x:app=1");
}
