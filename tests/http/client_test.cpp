// Client against scripted raw-socket servers (tests/http/script_server.hpp): every framing,
// keep-alive reuse, redirects and timeouts, with the exact bytes on the wire under control.
#include "http/client.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "http/error.hpp"
#include "net/error.hpp"
#include "tests/http/script_server.hpp"

using namespace std::chrono_literals;
using wire::http::Client;
using wire::http::ClientRequest;
using wire::http::Error;
using wire::http::test::ScriptConn;
using wire::http::test::ScriptServer;

namespace {

// A script answering every request on the connection with `respond(request)`.
ScriptServer::Script serve(ScriptServer*& self, std::function<std::string(const std::string&)> f) {
    return [&self, f](ScriptConn& c) {
        while (true) {
            std::string req = c.read_request();
            if (req.empty()) return;
            self->record(req);
            const std::string out = f(req);
            if (out.empty()) return;  // an empty answer closes the connection
            c.write(out);
        }
    };
}

std::string first_line(const std::string& req) {
    return req.substr(0, req.find("\r\n"));
}

}  // namespace

TEST_CASE("client: Content-Length response, then the connection is reused") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello");
    }));
    s = &server;
    Client client;
    for (int i = 0; i < 3; ++i) {
        auto resp = client.get(server.url("/path?q=1"));
        REQUIRE(resp);
        CHECK(resp->status_code == 200);
        CHECK(resp->status_text == "OK");
        CHECK(resp->proto == "HTTP/1.1");
        CHECK(resp->content_length == 5);
        CHECK(resp->header.values("X-A").size() == 2);
        auto body = resp->read_all();
        REQUIRE(body);
        CHECK(*body == "hello");
        CHECK(client.idle_connections() == 1);
    }
    CHECK(server.accepted() == 1);
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(first_line(reqs[0]) == "GET /path?q=1 HTTP/1.1");
    CHECK(reqs[0].find("\r\nHost: 127.0.0.1:") != std::string::npos);
    CHECK(reqs[0].find("\r\nUser-Agent: wire\r\n") != std::string::npos);
}

TEST_CASE("client: chunked response with extensions and trailers") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
    }));
    s = &server;
    Client client;
    for (int i = 0; i < 2; ++i) {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        CHECK(resp->content_length == -1);
        CHECK(resp->read_all().value() == "hello world");
    }
    CHECK(server.accepted() == 1);
}

TEST_CASE("client: close-delimited HTTP/1.0 response is read to EOF and not pooled") {
    ScriptServer server([](ScriptConn& c) {
        (void)c.read_request();
        c.write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n");
        c.write(std::string(100000, 'x'));
    });  // the script returns: the connection closes
    Client client;
    auto resp = client.get(server.url());
    REQUIRE(resp);
    CHECK(resp->proto == "HTTP/1.0");
    CHECK(resp->content_length == -1);
    auto body = resp->read_all();
    REQUIRE(body);
    CHECK(body->size() == 100000);
    CHECK(client.idle_connections() == 0);
}

TEST_CASE("client: HEAD, 204 and 304 have no body; the connection stays usable") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string& req) {
        if (req.starts_with("HEAD")) {
            return std::string("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
        }
        if (req.find("/204") != std::string::npos) {
            return std::string("HTTP/1.1 204 No Content\r\n\r\n");
        }
        return std::string("HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\nETag: \"x\"\r\n\r\n");
    }));
    s = &server;
    Client client;
    auto head = client.head(server.url());
    REQUIRE(head);
    CHECK(head->content_length == 10);
    CHECK(head->body_complete());
    CHECK(head->read_all().value().empty());
    auto no_content = client.get(server.url("/204"));
    REQUIRE(no_content);
    CHECK(no_content->status_code == 204);
    CHECK(no_content->read_all().value().empty());
    auto not_modified = client.get(server.url("/304"));
    REQUIRE(not_modified);
    CHECK(not_modified->status_code == 304);
    CHECK(not_modified->read_all().value().empty());
    CHECK(server.accepted() == 1);
}

TEST_CASE("client: Connection: close from the server means a new connection next time") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
    }));
    s = &server;
    Client client;
    for (int i = 0; i < 2; ++i) {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        CHECK(resp->read_all().value() == "ok");
        CHECK(client.idle_connections() == 0);
    }
    CHECK(server.accepted() == 2);
}

TEST_CASE("client: a pooled connection the server closed is replaced transparently") {
    ScriptServer server([](ScriptConn& c) {
        (void)c.read_request();
        // Keep-alive promised, then the server gives up on the idle connection.
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    Client client;
    for (int i = 0; i < 3; ++i) {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        CHECK(resp->read_all().value() == "ok");
        std::this_thread::sleep_for(20ms);  // let the server's FIN arrive
    }
    CHECK(server.accepted() == 3);
}

TEST_CASE("client: interim 100 Continue responses are skipped") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew");
    }));
    s = &server;
    Client client;
    auto resp = client.post(server.url(), "text/plain", "data");
    REQUIRE(resp);
    CHECK(resp->status_code == 201);
    CHECK(resp->read_all().value() == "new");
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].find("\r\nContent-Length: 4\r\n") != std::string::npos);
    CHECK(reqs[0].find("\r\nContent-Type: text/plain\r\n") != std::string::npos);
    CHECK(reqs[0].ends_with("\r\n\r\ndata"));
}

TEST_CASE("client: post_form sends an urlencoded body") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }));
    s = &server;
    Client client;
    wire::http::Values form;
    form.add("name", "a b");
    form.add("x", "1&2");
    REQUIRE(client.post_form(server.url("/form"), form));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].find("Content-Type: application/x-www-form-urlencoded") != std::string::npos);
    CHECK(reqs[0].ends_with("\r\n\r\nname=a+b&x=1%262"));
}

TEST_CASE("client: a partly read body closes its connection instead of pooling it") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
    }));
    s = &server;
    Client client;
    {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        char buf[4];
        auto n = resp->read(buf, sizeof buf);
        REQUIRE(n);
        CHECK(std::string(buf, *n) == "0123");
    }
    CHECK(client.idle_connections() == 0);
    auto again = client.get(server.url());
    REQUIRE(again);
    CHECK(again->read_all().value() == "0123456789");
    CHECK(server.accepted() == 2);
}

TEST_CASE("client: at most max_idle_per_host connections are kept") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    }));
    s = &server;
    Client client;
    client.max_idle_per_host = 2;
    std::vector<wire::http::Response> open;
    for (int i = 0; i < 3; ++i) {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        open.push_back(std::move(*resp));
    }
    for (auto& r : open)
        CHECK(r.read_all().value() == "x");
    CHECK(client.idle_connections() == 2);
    client.close_idle_connections();
    CHECK(client.idle_connections() == 0);
}

TEST_CASE("client: idle connections older than idle_timeout are not reused") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string&) {
        return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
    }));
    s = &server;
    Client client;
    client.idle_timeout = 30ms;
    REQUIRE(client.get(server.url())->read_all());
    std::this_thread::sleep_for(60ms);
    REQUIRE(client.get(server.url())->read_all());
    CHECK(server.accepted() == 2);
}

TEST_CASE("client: malformed responses are errors, not crashes") {
    struct Case {
        const char* bytes;
        Error error;
    };
    const Case cases[] = {
        {"HTTP/1.1 20 OK\r\n\r\n", Error::bad_status_code},
        {"HTTP/2.0 200 OK\r\n\r\n", Error::unsupported_version},
        {"SSH-2.0-OpenSSH\r\n\r\n", Error::bad_version},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
         Error::conflicting_content_length},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", Error::bad_chunk_size},
        {"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", Error::unexpected_eof},
        {"HTTP/1.1 200 OK\r\nContent-Le", Error::unexpected_eof},
        {"", Error::server_closed_idle},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.bytes));
        const std::string bytes = c.bytes;
        ScriptServer server([bytes](ScriptConn& conn) {
            (void)conn.read_request();
            conn.write(bytes);
        });
        Client client;
        auto resp = client.get(server.url());
        std::error_code ec = resp.error();
        if (resp) ec = resp->read_all().error();
        CHECK(ec == c.error);
    }
}

TEST_CASE("client: URLs it cannot speak to") {
    Client client;
    CHECK(client.get("https://example.com/").error() == Error::unsupported_scheme);
    CHECK(client.get("ftp://example.com/").error() == Error::unsupported_scheme);
    CHECK(client.get("http:///nohost").error() == Error::bad_url);
    CHECK(client.get("/relative").error() == Error::unsupported_scheme);
    CHECK(client.get("http://exa mple.com/").error() == Error::bad_url);
}

TEST_CASE(
    "client: a reused connection closed before any answer is retried for idempotent requests") {
    // Each connection answers its first request, then reads the second and closes silently:
    // exactly what a server giving up on an idle connection looks like to the client.
    ScriptServer server([](ScriptConn& c) {
        if (c.read_request().empty()) return;
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        (void)c.read_request();
    });
    Client client;
    for (int i = 0; i < 3; ++i) {
        auto resp = client.get(server.url());
        REQUIRE(resp);
        CHECK(resp->read_all().value() == "ok");
    }
    CHECK(server.accepted() == 3);  // the 2nd and 3rd GETs each retried on a fresh connection

    // POST is not idempotent (RFC 9110 §9.2.2): the failure is reported, not retried.
    auto post = client.post(server.url(), "text/plain", "x");
    CHECK(post.error() == Error::server_closed_idle);
}

namespace {

// A jar that keeps every cookie for every URL, recording what it was told (a test jar: a real
// one applies RFC 6265 §5.3's domain and path rules).
class RecordingJar final : public wire::http::CookieJar {
  public:
    void set_cookies(std::string_view url, std::span<const wire::http::Cookie> cookies) override {
        std::lock_guard lock(mu_);
        for (const auto& c : cookies) {
            set_log.push_back(std::string(url) + " " + c.name + "=" + c.value);
            kept.push_back(c);
        }
    }
    std::vector<wire::http::Cookie> cookies(std::string_view url) override {
        std::lock_guard lock(mu_);
        asked.emplace_back(url);
        return kept;
    }
    std::vector<wire::http::Cookie> kept;
    std::vector<std::string> set_log, asked;

  private:
    std::mutex mu_;
};

std::string cookie_field(const std::string& req) {
    const std::size_t at = req.find("\r\nCookie: ");
    if (at == std::string::npos) return "-";
    return req.substr(at + 10, req.find("\r\n", at + 2) - at - 10);
}

}  // namespace

TEST_CASE("client: a CookieJar gets Set-Cookie from every hop and fills Cookie on the next") {
    ScriptServer* s = nullptr;
    ScriptServer server(serve(s, [](const std::string& req) {
        if (first_line(req).starts_with("GET /login ")) {
            return std::string(
                "HTTP/1.1 302 Found\r\nLocation: /home\r\n"
                "Set-Cookie: session=abc; Path=/; HttpOnly\r\n"
                "Content-Length: 0\r\n\r\n");
        }
        return std::string("HTTP/1.1 200 OK\r\nSet-Cookie: seen=1\r\nContent-Length: 0\r\n\r\n");
    }));
    s = &server;
    Client client;
    auto jar = std::make_shared<RecordingJar>();
    client.jar = jar;
    REQUIRE(client.get(server.url("/login")));
    REQUIRE(client.get(server.url("/again")));
    const auto reqs = server.requests();
    REQUIRE(reqs.size() == 3);
    CHECK(cookie_field(reqs[0]) == "-");
    CHECK(cookie_field(reqs[1]) == "session=abc");          // the redirect's hop
    CHECK(cookie_field(reqs[2]) == "session=abc; seen=1");  // one field (RFC 6265 §5.4)
    REQUIRE(jar->set_log.size() == 3);
    CHECK(jar->set_log[0] == server.url("/login") + " session=abc");
    CHECK(jar->set_log[1] == server.url("/home") + " seen=1");
    CHECK(jar->set_log[2] == server.url("/again") + " seen=1");
    CHECK(jar->asked.size() == 3);

    Client plain;  // without a jar nothing is kept
    REQUIRE(plain.get(server.url("/again")));
    CHECK(cookie_field(server.requests().back()) == "-");
}
