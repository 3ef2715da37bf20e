// Client redirects (RFC 9110 §15.4) and timeouts against scripted servers.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "http/client.hpp"
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

std::string first_line(const std::string& req) {
    return req.substr(0, req.find("\r\n"));
}

std::string body_of(const std::string& req) {
    return req.substr(req.find("\r\n\r\n") + 4);
}

// Answers /from with `status` to /to (relative), /to with 200 "done".
ScriptServer::Script redirector(ScriptServer*& self, int status) {
    return [&self, status](ScriptConn& c) {
        while (true) {
            std::string req = c.read_request();
            if (req.empty()) return;
            self->record(req);
            if (first_line(req).find(" /from ") != std::string::npos) {
                c.write("HTTP/1.1 " + std::to_string(status) +
                        " Redirect\r\nLocation: to?x=1\r\nContent-Length: 4\r\n\r\nmove");
            } else {
                c.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone");
            }
        }
    };
}

}  // namespace

TEST_CASE("redirects: 301/302/303 turn POST into GET, 307/308 keep method and body") {
    struct Case {
        int status;
        const char* second_line;
        bool body_kept;
    };
    const Case cases[] = {
        {301, "GET /to?x=1 HTTP/1.1", false}, {302, "GET /to?x=1 HTTP/1.1", false},
        {303, "GET /to?x=1 HTTP/1.1", false}, {307, "POST /to?x=1 HTTP/1.1", true},
        {308, "POST /to?x=1 HTTP/1.1", true},
    };
    for (const Case& c : cases) {
        CAPTURE(c.status);
        ScriptServer* s = nullptr;
        ScriptServer server(redirector(s, c.status));
        s = &server;
        Client client;
        ClientRequest req;
        req.method = "POST";
        req.url = server.url("/from");
        req.body = "payload";
        req.header.set("Content-Type", "text/plain");
        req.header.set("Authorization", "secret");
        auto resp = client.do_request(req);
        REQUIRE(resp);
        CHECK(resp->status_code == 200);
        CHECK(resp->url == server.url("/to?x=1"));
        CHECK(resp->read_all().value() == "done");
        const auto reqs = server.requests();
        REQUIRE(reqs.size() == 2);
        CHECK(first_line(reqs[0]) == "POST /from HTTP/1.1");
        CHECK(first_line(reqs[1]) == c.second_line);
        CHECK((body_of(reqs[1]) == "payload") == c.body_kept);
        CHECK((reqs[1].find("Content-Type: text/plain") != std::string::npos) == c.body_kept);
        // Same host: credentials go along (Go does the same).
        CHECK(reqs[1].find("Authorization: secret") != std::string::npos);
        // The small redirect body was drained, so one connection carried both requests.
        CHECK(server.accepted() == 1);
    }
}

TEST_CASE("redirects: credentials are dropped when the host changes") {
    ScriptServer* t = nullptr;
    ScriptServer target([&t](ScriptConn& c) {
        std::string req = c.read_request();
        t->record(req);
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    });
    t = &target;
    // "localhost" and "127.0.0.1" are different hosts to the client.
    std::string elsewhere = target.url("/x");
    elsewhere.replace(elsewhere.find("127.0.0.1"), 9, "localhost");
    ScriptServer origin([elsewhere](ScriptConn& c) {
        (void)c.read_request();
        c.write("HTTP/1.1 302 Found\r\nLocation: " + elsewhere + "\r\nContent-Length: 0\r\n\r\n");
    });
    Client client;
    ClientRequest req;
    req.url = origin.url("/");
    req.header.set("Authorization", "secret");
    req.header.set("Cookie", "a=b");
    req.header.set("X-Other", "kept");
    auto resp = client.do_request(req);
    REQUIRE(resp);
    const auto reqs = target.requests();
    REQUIRE(reqs.size() == 1);
    CHECK(reqs[0].find("Authorization") == std::string::npos);
    CHECK(reqs[0].find("Cookie") == std::string::npos);
    CHECK(reqs[0].find("X-Other: kept") != std::string::npos);
}

TEST_CASE("redirects: at most max_redirects, then an error") {
    ScriptServer* s = nullptr;
    ScriptServer server([&s](ScriptConn& c) {
        while (true) {
            std::string req = c.read_request();
            if (req.empty()) return;
            s->record(req);
            c.write("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n");
        }
    });
    s = &server;
    Client client;
    CHECK(client.get(server.url()).error() == Error::too_many_redirects);
    CHECK(server.requests().size() == 11);  // the first request and 10 redirects
    client.max_redirects = 2;
    CHECK(client.get(server.url()).error() == Error::too_many_redirects);
    CHECK(server.requests().size() == 11 + 3);
}

TEST_CASE("redirects: the check_redirect hook sees each hop and can stop") {
    ScriptServer* s = nullptr;
    ScriptServer server(redirector(s, 302));
    s = &server;
    Client client;
    std::vector<std::string> seen;
    client.check_redirect = [&](const ClientRequest& next, int followed) {
        seen.push_back(next.method + " " + next.url + " " + std::to_string(followed));
        return std::error_code(Error::use_last_response);
    };
    auto resp = client.get(server.url("/from"));
    REQUIRE(resp);
    CHECK(resp->status_code == 302);
    CHECK(resp->read_all().value() == "move");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == "GET " + server.url("/to?x=1") + " 0");

    client.check_redirect = [](const ClientRequest&, int) {
        return std::make_error_code(std::errc::operation_not_permitted);
    };
    CHECK(client.get(server.url("/from")).error() == std::errc::operation_not_permitted);
}

TEST_CASE("redirects: a redirect without Location is returned as is; a bad one is an error") {
    ScriptServer server([](ScriptConn& c) {
        while (true) {
            std::string req = c.read_request();
            if (req.empty()) return;
            if (req.find(" /bad ") != std::string::npos) {
                c.write("HTTP/1.1 301 Moved\r\nLocation: http://a b/\r\nContent-Length: 0\r\n\r\n");
            } else {
                c.write("HTTP/1.1 301 Moved\r\nContent-Length: 0\r\n\r\n");
            }
        }
    });
    Client client;
    auto resp = client.get(server.url("/none"));
    REQUIRE(resp);
    CHECK(resp->status_code == 301);
    CHECK(client.get(server.url("/bad")).error() == Error::bad_location);
}

TEST_CASE("timeouts: response_header_timeout bounds the wait for the head") {
    ScriptServer server([](ScriptConn& c) {
        (void)c.read_request();
        std::this_thread::sleep_for(600ms);  // never answers in time
    });
    Client client;
    client.response_header_timeout = 100ms;
    const auto start = std::chrono::steady_clock::now();
    auto resp = client.get(server.url());
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(wire::net::is_timeout(resp.error()));
    CHECK(took >= 90ms);
    CHECK(took < 500ms);
}

TEST_CASE("timeouts: Client::timeout covers reading the body") {
    ScriptServer server([](ScriptConn& c) {
        (void)c.read_request();
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst bytes");
        std::this_thread::sleep_for(600ms);  // the rest never comes in time
    });
    Client client;
    client.timeout = 150ms;
    const auto start = std::chrono::steady_clock::now();
    auto resp = client.get(server.url());
    REQUIRE(resp);
    auto body = resp->read_all();
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(wire::net::is_timeout(body.error()));
    CHECK(took >= 140ms);
    CHECK(took < 500ms);
}

TEST_CASE("timeouts: dialling a port nobody listens on fails fast") {
    auto l = wire::net::Listener::listen(wire::net::Address::ipv4_loopback(0));
    REQUIRE(l);
    const std::string url = "http://" + l->address().to_string() + "/";
    l->close();
    Client client;
    client.dial_timeout = 200ms;
    auto resp = client.get(url);
    CHECK(resp.error() == std::errc::connection_refused);
}
