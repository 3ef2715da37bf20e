// Client against real servers: nginx (Debian's nginx-light) and python3 -m http.server.
#include <doctest/doctest.h>

#include <string>

#include "http/client.hpp"
#include "tests/http/peer_process.hpp"

using wire::http::Client;
using wire::http::ClientRequest;
using namespace wire::http::test;

TEST_CASE("interop: client against nginx (keep-alive reuse, ranges, redirects, HEAD, 404)") {
    if (!have_program("nginx")) {
        MESSAGE("nginx not installed: skipped");
        return;
    }
    TempDir dir;
    std::string big(300000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>('a' + i % 26);
    dir.write("www/file.txt", "hello from nginx\n");
    dir.write("www/big.bin", big);
    std::filesystem::create_directories(dir.path() / "tmp");
    const std::uint16_t port = free_loopback_port();
    dir.write("nginx.conf", nginx_config(dir.path(), port));
    PeerProcess nginx(
        {"nginx", "-p", dir.path().string(), "-e", (dir.path() / "error.log").string(), "-c",
         (dir.path() / "nginx.conf").string()},
        port);
    REQUIRE(nginx.ready());

    Client client;
    auto a = client.get(nginx.url("/file.txt"));
    REQUIRE(a);
    CHECK(a->status_code == 200);
    CHECK(a->read_all().value() == "hello from nginx\n");
    auto b = client.get(nginx.url("/big.bin"));
    REQUIRE(b);
    CHECK(b->content_length == 300000);
    CHECK(b->read_all().value() == big);
    // The same connection carried both: nginx numbers its connections.
    CHECK(a->header.get("X-Conn") == b->header.get("X-Conn"));
    CHECK(client.idle_connections() == 1);

    ClientRequest range;
    range.url = nginx.url("/big.bin");
    range.header.set("Range", "bytes=26-51");
    auto r = client.do_request(range);
    REQUIRE(r);
    CHECK(r->status_code == 206);
    CHECK(r->header.get("Content-Range") == "bytes 26-51/300000");
    CHECK(r->read_all().value() == "abcdefghijklmnopqrstuvwxyz");

    auto head = client.head(nginx.url("/big.bin"));
    REQUIRE(head);
    CHECK(head->content_length == 300000);
    CHECK(head->read_all().value().empty());

    auto redirected = client.get(nginx.url("/redirect"));
    REQUIRE(redirected);
    CHECK(redirected->status_code == 200);
    CHECK(redirected->url == nginx.url("/file.txt"));
    CHECK(redirected->read_all().value() == "hello from nginx\n");

    auto missing = client.get(nginx.url("/nope"));
    REQUIRE(missing);
    CHECK(missing->status_code == 404);
    CHECK(!missing->read_all().value().empty());
    CHECK(missing->header.get("X-Conn") == a->header.get("X-Conn"));
}

TEST_CASE("interop: client against python3 -m http.server (HTTP/1.0, connection closes)") {
    if (!have_program("python3")) {
        MESSAGE("python3 not installed: skipped");
        return;
    }
    TempDir dir;
    dir.write("hello.txt", "hello from python\n");
    const std::uint16_t port = free_loopback_port();
    PeerProcess py({"python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1",
                    "--directory", dir.path().string()},
                   port);
    REQUIRE(py.ready(std::chrono::seconds(10)));
    Client client;
    for (int i = 0; i < 2; ++i) {
        auto resp = client.get(py.url("/hello.txt"));
        REQUIRE(resp);
        CHECK(resp->status_code == 200);
        CHECK(resp->proto == "HTTP/1.0");
        CHECK(resp->read_all().value() == "hello from python\n");
        CHECK(client.idle_connections() == 0);  // HTTP/1.0 without keep-alive: not pooled
    }
    auto missing = client.get(py.url("/missing"));
    REQUIRE(missing);
    CHECK(missing->status_code == 404);
}
