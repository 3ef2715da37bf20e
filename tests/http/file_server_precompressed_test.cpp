// Precompressed siblings (nginx's gzip_static): "app.js.gz" beside "app.js" is served to clients
// that accept gzip. Our Server on loopback, asked by our Client, by curl, and side by side with
// nginx's gzip_static on the same files.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "compress/deflater.hpp"
#include "http/client.hpp"
#include "http/file_server.hpp"
#include "http/gzip_handler.hpp"
#include "http/handlers.hpp"
#include "http/serve_mux.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"

namespace fs = std::filesystem;
using namespace wire;
using namespace wire::http;
using wire::http::test::free_loopback_port;
using wire::http::test::have_program;
using wire::http::test::nginx_config;
using wire::http::test::PeerProcess;
using wire::http::test::TempDir;
using wire::http::test::TestServer;

namespace {

std::string script() {
    std::string s;
    for (int i = 0; s.size() < 20000; ++i)
        s += "console.log('line " + std::to_string(i) + " of a script that repeats');\n";
    return s;
}

std::string gzip(std::string_view data) {
    return compress::deflate_all({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
                                 {.format = compress::Format::gzip, .level = 9});
}

// app.js with app.js.gz, plain.txt without, an index.html with index.html.gz, an extensionless
// HTML file with its sibling (the type is sniffed from the original, not the gzip bytes).
struct Tree {
    TempDir dir;
    fs::path www;
    std::string js = script();
    std::string js_gz = gzip(js);
    std::string page = "<!DOCTYPE html><title>t</title>" + std::string(3000, 'x');
    std::string page_gz = gzip(page);
    Tree() {
        www = dir.path() / "www";
        dir.write("www/app.js", js);
        dir.write("www/app.js.gz", js_gz);
        dir.write("www/plain.txt", "no sibling\n");
        dir.write("www/dir/index.html", page);
        dir.write("www/dir/index.html.gz", page_gz);
        dir.write("www/noext", page);
        dir.write("www/noext.gz", page_gz);
        dir.write("www/page.html", page);
        dir.write("www/page.html.gz", page_gz);
        fs::create_directories(dir.path() / "tmp");
    }
};

http::Response fetch(http::Client& c, const std::string& url, const char* accept,
                     const char* method = "GET",
                     std::initializer_list<std::pair<const char*, std::string>> fields = {}) {
    ClientRequest req;
    req.method = method;
    req.url = url;
    if (accept != nullptr) req.header.set("Accept-Encoding", accept);
    for (const auto& [k, v] : fields)
        req.header.set(k, v);
    c.disable_compression = true;  // no Accept-Encoding but the test's own
    auto resp = c.do_request(std::move(req));
    REQUIRE(resp);
    return std::move(*resp);
}

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    ::pclose(p);
    return out;
}

}  // namespace

TEST_CASE("file_server precompressed: the .gz sibling when gzip is accepted") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string base = "http://" + server.address();
    http::Client c;

    auto gz = fetch(c, base + "/app.js", "gzip, deflate, br");
    CHECK(gz.status_code == 200);
    CHECK(!gz.uncompressed);  // the caller asked: the bytes as sent
    CHECK(gz.header.get("Content-Encoding") == "gzip");
    CHECK(gz.header.get("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(gz.header.get("Vary") == "Accept-Encoding");
    CHECK(gz.header.get("Content-Length") == std::to_string(t.js_gz.size()));
    CHECK(gz.header.get("Accept-Ranges") == "bytes");
    const std::string gz_etag(gz.header.get("ETag"));
    CHECK(gz.read_all().value() == t.js_gz);

    auto plain = fetch(c, base + "/app.js", nullptr);
    CHECK(plain.header.get("Vary") == "Accept-Encoding");
    CHECK(!plain.header.has("Content-Encoding"));
    CHECK(plain.header.get("Content-Length") == std::to_string(t.js.size()));
    // Two representations, two validators: the .gz file's for the encoded one.
    CHECK(plain.header.get("ETag") != gz_etag);
    CHECK(plain.read_all().value() == t.js);

    // Our client's own gzip (Go's Transport): decoded on the way in.
    http::Client go_like;
    auto decoded = go_like.get(base + "/app.js");
    REQUIRE(decoded);
    CHECK(decoded->uncompressed);
    CHECK(decoded->read_all().value() == t.js);

    // An index page and an extensionless file: the type is the original's.
    auto index = fetch(c, base + "/dir/", "gzip");
    CHECK(index.header.get("Content-Encoding") == "gzip");
    CHECK(index.header.get("Content-Type") == "text/html; charset=utf-8");
    CHECK(index.read_all().value() == t.page_gz);
    auto noext = fetch(c, base + "/noext", "gzip");
    CHECK(noext.header.get("Content-Encoding") == "gzip");
    CHECK(noext.header.get("Content-Type") == "text/html; charset=utf-8");

    // No sibling: as before, and no Vary.
    auto none = fetch(c, base + "/plain.txt", "gzip");
    CHECK(!none.header.has("Content-Encoding"));
    CHECK(!none.header.has("Vary"));
}

TEST_CASE("file_server precompressed: negotiation (RFC 9110 §12.5.3)") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string url = "http://" + server.address() + "/app.js";
    http::Client c;
    struct Case {
        const char* accept;
        bool gzip;
    };
    const Case cases[] = {
        {"gzip", true},
        {"x-gzip", true},
        {"GZIP;q=0.5", true},
        {"*", true},
        {"deflate, gzip;q=0.1", true},
        {"identity", false},
        {"deflate", false},
        {"br", false},
        {"gzip;q=0", false},
        {"*;q=0, identity", false},
        {"gzip;q=0.5, identity;q=1", false},
        {"", false},
    };
    for (const Case& k : cases) {
        CAPTURE(k.accept);
        auto r = fetch(c, url, k.accept);
        CHECK(r.status_code == 200);
        CHECK(r.header.get("Vary") == "Accept-Encoding");
        CHECK(r.header.has("Content-Encoding") == k.gzip);
        CHECK(r.read_all().value() == (k.gzip ? t.js_gz : t.js));
    }
    // Turned off: the sibling is an ordinary file, never chosen.
    TestServer off(file_server(t.www.string(), {.precompressed = false}));
    auto r = fetch(c, "http://" + off.address() + "/app.js", "gzip");
    CHECK(!r.header.has("Content-Encoding"));
    CHECK(!r.header.has("Vary"));
    CHECK(r.read_all().value() == t.js);
}

TEST_CASE("file_server precompressed: HEAD, ranges over the encoded bytes, conditionals") {
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string url = "http://" + server.address() + "/app.js";
    http::Client c;
    auto get = fetch(c, url, "gzip");
    auto head = fetch(c, url, "gzip", "HEAD");
    for (const char* f : {"Content-Type", "Content-Encoding", "Content-Length", "ETag",
                          "Last-Modified", "Vary", "Accept-Ranges"}) {
        CAPTURE(f);
        CHECK(head.header.get(f) == get.header.get(f));
    }
    CHECK(head.read_all().value().empty());
    const std::string etag(get.header.get("ETag"));

    // RFC 9110 §14.1.2: a range addresses the selected representation, the gzip bytes.
    auto part = fetch(c, url, "gzip", "GET", {{"Range", "bytes=10-29"}});
    CHECK(part.status_code == 206);
    CHECK(part.header.get("Content-Encoding") == "gzip");
    CHECK(part.header.get("Content-Range") == "bytes 10-29/" + std::to_string(t.js_gz.size()));
    CHECK(part.read_all().value() == t.js_gz.substr(10, 20));
    auto ranged_plain = fetch(c, url, nullptr, "GET", {{"Range", "bytes=0-4"}});
    CHECK(ranged_plain.read_all().value() == t.js.substr(0, 5));

    auto not_modified = fetch(c, url, "gzip", "GET", {{"If-None-Match", etag}});
    CHECK(not_modified.status_code == 304);
    CHECK(not_modified.header.get("Vary") == "Accept-Encoding");
    CHECK(not_modified.header.get("ETag") == etag);
    // The encoded form's ETag does not validate the identity form.
    auto other = fetch(c, url, nullptr, "GET", {{"If-None-Match", etag}});
    CHECK(other.status_code == 200);
}

TEST_CASE("serve_file precompressed, and gzip_handler leaves the encoded file alone") {
    Tree t;
    const std::string path = (t.www / "app.js").string();
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("/one", [&path](ResponseWriter& w, Request& r) { serve_file(w, r, path); });
    mux->handle("/", file_server(t.www.string()));
    TestServer server(gzip_handler(mux));
    const std::string base = "http://" + server.address();
    http::Client c;
    auto one = fetch(c, base + "/one", "gzip");
    CHECK(one.header.get("Content-Encoding") == "gzip");
    CHECK(one.read_all().value() == t.js_gz);
    auto behind = fetch(c, base + "/app.js", "gzip");
    CHECK(behind.header.get("Content-Length") == std::to_string(t.js_gz.size()));
    CHECK(behind.header.get("Vary") == "Accept-Encoding");  // once, not twice
    CHECK(behind.header.values("Vary").size() == 1);
    CHECK(behind.read_all().value() == t.js_gz);
}

TEST_CASE("file_server precompressed with curl, side by side with nginx gzip_static") {
    if (!have_program("curl")) {
        MESSAGE("curl not installed: skipped");
        return;
    }
    Tree t;
    TestServer server(file_server(t.www.string()));
    const std::string base = "http://" + server.address();
    CHECK(run("curl -s --compressed " + base + "/app.js") == t.js);
    CHECK(run("curl -s -H 'Accept-Encoding: gzip' " + base + "/app.js") == t.js_gz);
    CHECK(run("curl -s -r 0-9 -H 'Accept-Encoding: gzip' " + base + "/app.js") ==
          t.js_gz.substr(0, 10));
    const std::string ours = run("curl -sI -H 'Accept-Encoding: gzip' " + base + "/page.html");
    CHECK(ours.find("Content-Encoding: gzip\r\n") != std::string::npos);
    CHECK(ours.find("Content-Length: " + std::to_string(t.page_gz.size()) + "\r\n") !=
          std::string::npos);

    if (!have_program("nginx")) {
        MESSAGE("nginx not installed: its half skipped");
        return;
    }
    const std::uint16_t port = free_loopback_port();
    t.dir.write("nginx.conf",
                nginx_config(t.dir.path(), port, "  gzip_static on; gzip_vary on;\n"));
    PeerProcess nginx(
        {"nginx", "-p", t.dir.path().string(), "-e", (t.dir.path() / "error.log").string(), "-c",
         (t.dir.path() / "nginx.conf").string()},
        port);
    REQUIRE(nginx.ready());
    http::Client c;
    // The same questions to both: the fields that describe the representation agree.
    const char* offers[] = {"gzip", "gzip;q=0", "identity", "deflate, gzip"};
    for (const char* accept : offers) {
        for (const char* method : {"GET", "HEAD"}) {
            CAPTURE(accept);
            CAPTURE(method);
            auto a = fetch(c, base + "/page.html", accept, method);
            auto b = fetch(c, nginx.url("/page.html"), accept, method);
            CHECK(a.status_code == b.status_code);
            for (const char* f : {"Content-Encoding", "Content-Length", "Last-Modified"}) {
                CAPTURE(f);
                CHECK(a.header.get(f) == b.header.get(f));
            }
            CHECK(a.header.get("Content-Type").starts_with(b.header.get("Content-Type")));
            if (b.header.has("Content-Encoding")) CHECK(a.header.get("Vary") == "Accept-Encoding");
            CHECK(a.read_all().value() == b.read_all().value());
        }
    }
    // nginx ignores Range on a gzip_static file (RFC 9110 §14.2 lets a server do so); wire
    // answers it over the same encoded bytes.
    auto a = fetch(c, base + "/page.html", "gzip", "GET", {{"Range", "bytes=5-14"}});
    auto b = fetch(c, nginx.url("/page.html"), "gzip", "GET", {{"Range", "bytes=5-14"}});
    CHECK(a.status_code == 206);
    CHECK(a.read_all().value() == b.read_all().value().substr(5, 10));
}
