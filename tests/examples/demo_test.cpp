// examples/demo: the server `make run` starts, over a temporary root with known pages and files
// (WIRE_DEMO_ROOT), checked with curl: pages, rendered seed pages, the file server, the request
// inspector, the access log and a graceful stop.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "example_process.hpp"

using namespace wire::test;
namespace fs = std::filesystem;

namespace {

struct DemoRoot {
    fs::path root;
    DemoRoot() {
        root = fs::temp_directory_path() / ("wire-demo-test-" + std::to_string(::getpid()));
        fs::create_directories(root / "examples/demo/www/seed/002");
        fs::create_directories(root / "examples/static/notes");
        write("examples/demo/www/index.html", "<h1>home</h1>\n");
        write("examples/demo/www/echo.html", "<h1>echo</h1>\n");
        write("examples/demo/www/seed/002/index.html",
              "<script>var url = \"{{ws_url}}\";</script>");
        write("examples/static/hello.txt", "hello from static\n");
        write("examples/static/notes/reading.md", "# notes\n");
    }
    ~DemoRoot() { fs::remove_all(root); }
    void write(const char* rel, const char* text) const { std::ofstream(root / rel) << text; }
    [[nodiscard]] std::string env() const { return "WIRE_DEMO_ROOT=" + root.string(); }
};

std::string curl(const std::string& args) {
    return run_command("curl -s --max-time 5 " + args);
}

}  // namespace

TEST_CASE("demo serves its pages, renders the seed pages and logs each request") {
    DemoRoot root;
    ExampleProcess demo("demo", {}, {root.env()});
    REQUIRE(demo.wait_listening());
    CHECK(curl(local_url(demo.port(), "/")) == "<h1>home</h1>\n");
    CHECK(demo.wait_for("\"GET / HTTP/1.1\" 200 14 "));
    CHECK(curl(local_url(demo.port(), "/echo.html")) == "<h1>echo</h1>\n");
    const std::string host = "127.0.0.1:" + std::to_string(demo.port());
    CHECK(curl(local_url(demo.port(), "/seed/002/")) ==
          "<script>var url = \"ws://" + host + "/seed/002/stream\";</script>");
    const std::string type =
        curl("-o /dev/null -w '%{content_type}' " + local_url(demo.port(), "/echo.html"));
    CHECK(type == "text/html; charset=utf-8");
    CHECK(curl("-o /dev/null -w '%{http_code}' " + local_url(demo.port(), "/nope.html")) == "404");
    CHECK(demo.terminate() == 0);
}

TEST_CASE("demo file server: files, listings, redirects, no escape from the folder") {
    DemoRoot root;
    ExampleProcess demo("demo", {}, {root.env()});
    REQUIRE(demo.wait_listening());
    const int port = demo.port();
    CHECK(curl(local_url(port, "/files/hello.txt")) == "hello from static\n");
    CHECK(curl("-o /dev/null -w '%{content_type}' " + local_url(port, "/files/notes/reading.md")) ==
          "text/markdown; charset=utf-8");
    CHECK(curl("-o /dev/null -w '%{http_code} %{redirect_url}' " + local_url(port, "/files")) ==
          "301 " + local_url(port, "/files/"));
    CHECK(curl("-o /dev/null -w '%{http_code} %{redirect_url}' " +
               local_url(port, "/files/notes")) == "301 " + local_url(port, "/files/notes/"));
    const std::string listing = curl(local_url(port, "/files/"));
    CHECK(listing.find("<a href=\"hello.txt\">hello.txt</a>") != std::string::npos);
    CHECK(listing.find("<a href=\"notes/\">notes/</a>") != std::string::npos);
    // --path-as-is sends the dots as they are; the mux redirects to the clean path and the
    // file server cleans what is left, so nothing above examples/static is reachable.
    const std::string escape =
        curl("--path-as-is " + local_url(port, "/files/../../../etc/passwd"));
    CHECK(escape.find("root:") == std::string::npos);
    const std::string encoded = curl(local_url(port, "/files/%2e%2e/%2e%2e/etc/passwd"));
    CHECK(encoded.find("root:") == std::string::npos);
    CHECK(demo.terminate() == 0);
}

TEST_CASE("demo request inspector shows the request as parsed") {
    DemoRoot root;
    ExampleProcess demo("demo", {}, {root.env()});
    REQUIRE(demo.wait_listening());
    const std::string out =
        curl("-H 'X-Demo: yes' -d 'a=1' " + local_url(demo.port(), "/inspect?q=2"));
    CHECK(out.find("remote address: 127.0.0.1:") == 0);
    CHECK(out.find("method: POST\npath: /inspect\nquery: q=2\nproto: HTTP/1.1\n") !=
          std::string::npos);
    CHECK(out.find("  X-Demo: yes\n") != std::string::npos);
    CHECK(out.find("body (3 bytes):\na=1\n") != std::string::npos);
    CHECK(demo.terminate(SIGINT) == 0);
}

TEST_CASE("demo: the file listing and the seed pages wear the demo's look and link home") {
    DemoRoot root;
    root.write("examples/demo/www/seed/002/index.html",
               "<html><head><title>s</title></head><body>\n<p>{{ws_url}}</p></body></html>");
    ExampleProcess demo("demo", {}, {root.env()});
    REQUIRE(demo.wait_listening());
    const int port = demo.port();
    const std::string home = "<a href=\"/\">all examples</a>";
    const std::string style = "<link rel=\"stylesheet\" href=\"/style.css\">";

    const std::string listing = curl(local_url(port, "/files/"));
    CAPTURE(listing);
    CHECK(listing.find(home) != std::string::npos);
    CHECK(listing.find(style) != std::string::npos);
    CHECK(listing.find("<title>wire demo: Files: /files/</title>") != std::string::npos);
    // The library's entries, inside the frame; a way up from a subfolder.
    CHECK(listing.find("<a href=\"notes/\">notes/</a>") != std::string::npos);
    CHECK(listing.find("../") == std::string::npos);
    CHECK(curl(local_url(port, "/files/notes/")).find("<a href=\"../\">../</a>") !=
          std::string::npos);
    // HEAD promises the framed page's length; a file still comes through untouched.
    const std::string length = std::to_string(listing.size());
    CHECK(curl("-I " + local_url(port, "/files/")).find("Content-Length: " + length + "\r\n") !=
          std::string::npos);
    CHECK(curl(local_url(port, "/files/hello.txt")) == "hello from static\n");
    // A conditional GET of the listing is still answered 304, without a body.
    const std::string modified =
        curl("-o /dev/null -w '%{http_code}' -H 'If-Modified-Since: " +
             std::string("Fri, 01 Jan 2100 00:00:00 GMT' ") + local_url(port, "/files/"));
    CHECK(modified == "304");

    const std::string seed = curl(local_url(port, "/seed/002/"));
    CAPTURE(seed);
    CHECK(seed.find(home) != std::string::npos);
    CHECK(seed.find(style + "\n") < seed.find("</head>"));
    CHECK(seed.find("<body>\n<header>") != std::string::npos);
    CHECK(seed.find("ws://127.0.0.1:" + std::to_string(port) + "/seed/002/stream") !=
          std::string::npos);
    CHECK(demo.terminate() == 0);
}

TEST_CASE("demo: /favicon.ico is an icon, and every page of www/ names one") {
    ExampleProcess demo("demo");  // the repository's own pages
    REQUIRE(demo.wait_listening());
    const std::string head = curl("-i " + local_url(demo.port(), "/favicon.ico"));
    CHECK(head.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(head.find("Content-Type: image/vnd.microsoft.icon\r\n") != std::string::npos);
    // ICONDIR: reserved 0, type 1 (icon).
    CHECK(head.find(std::string("\r\n\r\n\0\0\1\0", 8)) != std::string::npos);
    CHECK(curl("-o /dev/null -w '%{http_code} %{content_type}' " +
               local_url(demo.port(), "/favicon.svg")) == "200 image/svg+xml");
    for (const auto& entry : fs::recursive_directory_iterator("examples/demo/www")) {
        if (entry.path().extension() != ".html" ||
            entry.path().string().find("/seed/") != std::string::npos)
            continue;  // the seed pages get theirs from the frame (tested above)
        CAPTURE(entry.path().string());
        std::ifstream in(entry.path());
        const std::string page((std::istreambuf_iterator<char>(in)), {});
        CHECK(page.find("<link rel=\"icon\" href=\"/favicon.svg\"") != std::string::npos);
    }
    CHECK(demo.terminate() == 0);
}

TEST_CASE("demo: pages, scripts, files and the inspector go gzip-compressed through gzip_handler") {
    DemoRoot root;
    std::string page = "<!DOCTYPE html><title>home</title>\n";
    while (page.size() < 4000)
        page += "<p>a home page long enough to be worth compressing</p>\n";
    std::ofstream(root.root / "examples/demo/www/index.html") << page;
    std::ofstream(root.root / "examples/demo/www/wire.js") << std::string(3000, ';');
    std::ofstream(root.root / "examples/static/big.txt") << std::string(5000, 'b');
    ExampleProcess demo("demo", {}, {root.env()});
    REQUIRE(demo.wait_listening());
    const int port = demo.port();
    // The check of the demo's own page: curl -s --compressed -D - http://127.0.0.1:8080/
    const std::string home = curl("--compressed -D - " + local_url(port, "/"));
    CHECK(home.find("Content-Encoding: gzip\r\n") != std::string::npos);
    CHECK(home.find("Vary: Accept-Encoding\r\n") != std::string::npos);
    CHECK(home.ends_with(page));  // curl decoded it
    for (const std::string path : {"/wire.js", "/files/big.txt"}) {
        CAPTURE(path);
        CHECK(curl("--compressed -o /dev/null -D - " + local_url(port, path))
                  .find("Content-Encoding: gzip\r\n") != std::string::npos);
    }
    // Without Accept-Encoding, identity, still with Vary.
    const std::string plain = curl("-D - " + local_url(port, "/"));
    CHECK(plain.find("Content-Encoding") == std::string::npos);
    CHECK(plain.find("Vary: Accept-Encoding\r\n") != std::string::npos);
    // The inspector shows what the client offered and what the handler picked.
    const std::string seen =
        curl("-H 'Accept-Encoding: deflate, gzip;q=0.5' " + local_url(port, "/inspect"));
    CHECK(seen.find("content codings offered: deflate, gzip;q=0.5\n"
                    "gzip_handler answers with: deflate") != std::string::npos);
    CHECK(
        curl(local_url(port, "/inspect")).find("content codings offered: (none: identity only)") !=
        std::string::npos);
    CHECK(demo.terminate() == 0);
}
