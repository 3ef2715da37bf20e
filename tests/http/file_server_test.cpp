// The file server end to end: our Server, file_server on a temporary tree, requests from our
// Client, from raw sockets (for traversal attempts the client would not send) and from curl.
#include "http/file_server.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "http/client.hpp"
#include "http/serve_mux.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"

namespace fs = std::filesystem;
using wire::http::ClientRequest;
using wire::http::file_server;
using wire::http::test::roundtrip;
using wire::http::test::TempDir;
using wire::http::test::TestServer;

namespace {

struct Tree {
    TempDir dir;
    TempDir outside;
    std::string data;
    fs::path www;

    Tree() {
        www = dir.path() / "www";
        data.resize(1000);
        for (std::size_t i = 0; i < data.size(); ++i)
            data[i] = static_cast<char>('a' + i % 26);
        dir.write("www/hello.txt", "hello, file server\n");
        dir.write("www/data.bin", data);
        dir.write("www/noext", "<!DOCTYPE html><p>sniff me</p>");
        dir.write("www/sub/index.html", "<h1>index</h1>");
        dir.write("www/list/b.txt", "b");
        dir.write("www/list/<a&b>.txt", "x");
        fs::create_directories(www / "list" / "inner");
        outside.write("secret.txt", "top secret");
        fs::create_symlink(outside.path() / "secret.txt", www / "escape");
    }
};

wire::http::Response get(wire::http::Client& c, const std::string& url,
                         std::initializer_list<std::pair<const char*, std::string>> fields = {}) {
    ClientRequest req;
    req.url = url;
    for (const auto& [k, v] : fields)
        req.header.set(k, v);
    auto resp = c.do_request(std::move(req));
    REQUIRE(resp);
    return std::move(*resp);
}

}  // namespace

TEST_CASE("file_server: files, types, validators, HEAD, index.html and redirects") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string base = "http://" + server.address();
    wire::http::Client c;
    c.check_redirect = [](const ClientRequest&, int) {
        return std::error_code(wire::http::Error::use_last_response);
    };

    auto r = get(c, base + "/hello.txt");
    CHECK(r.status_code == 200);
    CHECK(r.header.get("Content-Type") == "text/plain; charset=utf-8");
    CHECK(r.header.get("Content-Length") == "19");
    CHECK(r.header.get("Accept-Ranges") == "bytes");
    CHECK(r.header.has("Last-Modified"));
    CHECK(r.header.get("ETag").starts_with("\""));
    CHECK(r.read_all().value() == "hello, file server\n");

    auto head = c.head(base + "/data.bin");
    REQUIRE(head);
    CHECK(head->content_length == 1000);
    CHECK(head->read_all().value().empty());

    auto sniffed = get(c, base + "/noext");
    CHECK(sniffed.header.get("Content-Type") == "text/html; charset=utf-8");

    struct Redirect {
        const char* path;
        const char* location;
    };
    for (const Redirect& rd :
         {Redirect{"/sub", "sub/"}, Redirect{"/sub?x=1", "sub/?x=1"},
          Redirect{"/sub/index.html", "./"}, Redirect{"/hello.txt/", "../hello.txt"}}) {
        CAPTURE(std::string(rd.path));
        auto red = get(c, base + rd.path);
        CHECK(red.status_code == 301);
        CHECK(red.header.get("Location") == rd.location);
    }
    auto index = get(c, base + "/sub/");
    CHECK(index.status_code == 200);
    CHECK(index.header.get("Content-Type") == "text/html; charset=utf-8");
    CHECK(index.read_all().value() == "<h1>index</h1>");
    auto missing = get(c, base + "/missing");
    CHECK(missing.status_code == 404);
    CHECK(missing.read_all().value() == "404 page not found\n");
    CHECK(c.idle_connections() == 1);  // a body read to its end gives the connection back
}

TEST_CASE("file_server: directory listings are escaped") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    wire::http::Client c;
    auto r = get(c, "http://" + server.address() + "/list/");
    CHECK(r.status_code == 200);
    CHECK(r.header.get("Content-Type") == "text/html; charset=utf-8");
    const std::string page = r.read_all().value();
    CHECK(page.find("<a href=\"%3Ca&amp;b%3E.txt\">&lt;a&amp;b&gt;.txt</a>") != std::string::npos);
    CHECK(page.find("<a href=\"b.txt\">b.txt</a>") != std::string::npos);
    CHECK(page.find("<a href=\"inner/\">inner/</a>") != std::string::npos);
}

TEST_CASE("file_server: conditional requests (RFC 9110 §13)") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    wire::http::Client c;
    const std::string url = "http://" + server.address() + "/hello.txt";
    auto first = get(c, url);
    const std::string etag(first.header.get("ETag"));
    const std::string modified(first.header.get("Last-Modified"));
    (void)first.read_all();

    auto inm = get(c, url, {{"If-None-Match", etag}});
    CHECK(inm.status_code == 304);
    CHECK(inm.header.get("ETag") == etag);
    CHECK(!inm.header.has("Content-Type"));
    CHECK(inm.read_all().value().empty());
    CHECK(get(c, url, {{"If-None-Match", "\"other\""}}).status_code == 200);
    CHECK(get(c, url, {{"If-Modified-Since", modified}}).status_code == 304);
    CHECK(get(c, url, {{"If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"}}).status_code == 200);
    CHECK(get(c, url, {{"If-Match", "\"other\""}}).status_code == 412);
    CHECK(get(c, url, {{"If-Match", etag}}).status_code == 200);
    CHECK(get(c, url, {{"If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"}}).status_code ==
          412);
}

TEST_CASE("file_server: ranges, multipart/byteranges, 416 and If-Range (RFC 9110 §14)") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    wire::http::Client c;
    const std::string url = "http://" + server.address() + "/data.bin";

    auto one = get(c, url, {{"Range", "bytes=0-4"}});
    CHECK(one.status_code == 206);
    CHECK(one.header.get("Content-Range") == "bytes 0-4/1000");
    CHECK(one.read_all().value() == "abcde");
    auto suffix = get(c, url, {{"Range", "bytes=-3"}});
    CHECK(suffix.header.get("Content-Range") == "bytes 997-999/1000");
    CHECK(suffix.read_all().value() == t.data.substr(997));

    auto multi = get(c, url, {{"Range", "bytes=0-1,10-12"}});
    CHECK(multi.status_code == 206);
    const std::string ct(multi.header.get("Content-Type"));
    REQUIRE(ct.starts_with("multipart/byteranges; boundary="));
    const std::string boundary = ct.substr(ct.find('=') + 1);
    const std::string body = multi.read_all().value();
    CHECK(body.size() == std::stoul(std::string(multi.header.get("Content-Length"))));
    CHECK(body == "--" + boundary +
                      "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes "
                      "0-1/1000\r\n\r\nab\r\n--" +
                      boundary +
                      "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes "
                      "10-12/1000\r\n\r\nklm\r\n--" +
                      boundary + "--\r\n");

    auto bad = get(c, url, {{"Range", "bytes=5000-"}});
    CHECK(bad.status_code == 416);
    CHECK(bad.header.get("Content-Range") == "bytes */1000");
    CHECK(get(c, url, {{"Range", "bytes=x-y"}}).status_code == 416);
    CHECK(get(c, url, {{"Range", "lines=1-2"}}).status_code == 200);

    const std::string etag(one.header.get("ETag"));
    CHECK(get(c, url, {{"Range", "bytes=0-4"}, {"If-Range", etag}}).status_code == 206);
    auto stale = get(c, url, {{"Range", "bytes=0-4"}, {"If-Range", "\"old\""}});
    CHECK(stale.status_code == 200);
    CHECK(stale.read_all().value() == t.data);
}

TEST_CASE("file_server: no way out of the root") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    struct Case {
        const char* target;
        int status;
    };
    const Case cases[] = {
        {"/../secret.txt", 400},     {"/sub/../../secret.txt", 400},
        {"/%2e%2e/secret.txt", 400}, {"/sub/%2E%2E/%2e%2e/secret.txt", 400},
        {"/..%2fsecret.txt", 400},   {"/escape", 403},  // a symlink pointing out of the root
        {"/hello.txt%00.png", 400},  {"/missing/../../x", 400},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.target));
        const auto resp = roundtrip(server, wire::http::test::get(c.target));
        CHECK(resp.status == c.status);
        CHECK(resp.body.find("top secret") == std::string::npos);
    }
}

TEST_CASE("serve_content and serve_file behind a ServeMux") {
    Tree t;
    auto mux = std::make_shared<wire::http::ServeMux>();
    mux->handle_func("/content.json", [](wire::http::ResponseWriter& w, wire::http::Request& r) {
        w.header().set("ETag", "\"c1\"");
        wire::http::serve_content(w, r, "content.json", 784111777, "{\"a\":1}");
    });
    const std::string file = (t.www / "hello.txt").string();
    mux->handle_func("/the-file", [file](wire::http::ResponseWriter& w, wire::http::Request& r) {
        wire::http::serve_file(w, r, file);
    });
    TestServer server(mux);
    wire::http::Client c;
    const std::string base = "http://" + server.address();
    auto r = get(c, base + "/content.json");
    CHECK(r.status_code == 200);
    CHECK(r.header.get("Content-Type") == "application/json");
    CHECK(r.header.get("Last-Modified") == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(r.read_all().value() == "{\"a\":1}");
    CHECK(get(c, base + "/content.json", {{"If-None-Match", "\"c1\""}}).status_code == 304);
    auto part = get(c, base + "/content.json", {{"Range", "bytes=1-3"}});
    CHECK(part.status_code == 206);
    CHECK(part.read_all().value() == "\"a\"");
    auto f = get(c, base + "/the-file");
    CHECK(f.status_code == 200);
    CHECK(f.read_all().value() == "hello, file server\n");
}

TEST_CASE("file_server with curl: ranges, HEAD and a traversal attempt") {
    if (!wire::http::test::have_program("curl")) {
        MESSAGE("curl not installed: skipped");
        return;
    }
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string base = "http://" + server.address();
    auto run = [](const std::string& cmd) {
        std::string out;
        FILE* p = ::popen(cmd.c_str(), "r");
        REQUIRE(p != nullptr);
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
            out.append(buf, n);
        ::pclose(p);
        return out;
    };
    CHECK(run("curl -s -r 2-6 " + base + "/data.bin") == "cdefg");
    const std::string head = run("curl -sI " + base + "/data.bin");
    CHECK(head.find("Content-Length: 1000") != std::string::npos);
    CHECK(head.find("Accept-Ranges: bytes") != std::string::npos);
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' --path-as-is " + base +
              "/../../../../etc/passwd") == "400");
    CHECK(run("curl -s -o /dev/null -w '%{http_code}' " + base + "/escape") == "403");
    CHECK(run("curl -s " + base + "/hello.txt " + base + "/hello.txt") ==
          "hello, file server\nhello, file server\n");
}
