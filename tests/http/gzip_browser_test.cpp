// gzip in a real browser: headless Chromium loads a page and two scripts from our Server, the
// page and one script compressed on the fly by gzip_handler, the other script a precompressed
// .gz file from file_server, and the scripts must run. Skipped without /usr/bin/chromium.
#include <doctest/doctest.h>

#include <mutex>
#include <string>

#include "compress/deflater.hpp"
#include "http/file_server.hpp"
#include "http/gzip_handler.hpp"
#include "http/handlers.hpp"
#include "http/serve_mux.hpp"
#include "tests/examples/chromium.hpp"
#include "tests/http/peer_process.hpp"
#include "tests/http/server_support.hpp"

using namespace wire;
using namespace wire::http;
using wire::http::test::TempDir;
using wire::http::test::TestServer;

namespace {

// Long enough (> GzipOptions::min_size) to be compressed; each part says it ran.
std::string page() {
    std::string s =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>gzip</title></head><body>\n"
        "<p id=\"out\">not run</p>\n";
    for (int i = 0; i < 60; ++i)
        s += "<p class=\"filler\">paragraph " + std::to_string(i) + " of a compressed page</p>\n";
    s += "<script src=\"/static/lib.js\"></script><script src=\"/app.js\"></script>\n";
    s += "</body></html>\n";
    return s;
}

std::string script(const std::string& name, const std::string& statement) {
    std::string s = "// " + name + "\n";
    for (int i = 0; i < 80; ++i)
        s += "var " + name + "_filler_" + std::to_string(i) + " = 'padding to compress';\n";
    return s + statement + "\n";
}

std::string gzip(std::string_view data) {
    return compress::deflate_all({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()},
                                 {.format = compress::Format::gzip, .level = 9});
}

}  // namespace

TEST_CASE("gzip in headless Chromium: a compressed page and scripts render and run") {
    if (!wire::test::Chromium::available()) {
        MESSAGE("chromium not installed: skipped");
        return;
    }
    TempDir dir;
    // lib.js exists only as lib.js.gz's original: the browser gets the precompressed bytes.
    const std::string lib = script("lib", "window.libRan = true;");
    dir.write("static/lib.js", lib);
    dir.write("static/lib.js.gz", gzip(lib));
    std::mutex mu;
    std::string offered;
    auto mux = std::make_shared<ServeMux>();
    mux->handle_func("GET /{$}", [&](ResponseWriter& w, Request& r) {
        {
            std::lock_guard lock(mu);
            offered = std::string(r.header.get("Accept-Encoding"));
        }
        w.header().set("Content-Type", "text/html; charset=utf-8");
        (void)w.write(page());
    });
    mux->handle_func("GET /app.js", [](ResponseWriter& w, Request&) {
        w.header().set("Content-Type", "text/javascript; charset=utf-8");
        (void)w.write(script("app",
                             "document.getElementById('out').textContent = "
                             "window.libRan ? 'lib and app ran' : 'app ran without lib';"));
    });
    mux->handle("GET /static/",
                strip_prefix("/static", file_server((dir.path() / "static").string())));
    TestServer server(gzip_handler(mux));

    wire::test::Chromium browser;
    REQUIRE(browser.started());
    const std::string tab = browser.open("http://" + server.address() + "/");
    REQUIRE(!tab.empty());
    CHECK(
        browser.wait_for(tab, "document.getElementById('out').textContent === 'lib and app ran'"));
    {
        std::lock_guard lock(mu);
        CHECK(offered.find("gzip") != std::string::npos);
    }
    // What went over the wire: Resource Timing's encoded sizes are the compressed bytes, smaller
    // than the decoded ones, for the page and for both scripts.
    const std::string sizes = browser.eval_string(
        tab,
        "[performance.getEntriesByType('navigation')[0], "
        " ...performance.getEntriesByType('resource')]"
        ".map(e => e.name.replace(location.origin, '') + ':' + "
        "(e.encodedBodySize < e.decodedBodySize ? 'compressed' : 'identity')).join(' ')");
    CHECK(sizes.find("/:compressed") != std::string::npos);
    CHECK(sizes.find("/static/lib.js:compressed") != std::string::npos);
    CHECK(sizes.find("/app.js:compressed") != std::string::npos);
    // The header the browser saw, asked again from the page itself.
    CHECK(browser.eval_string(tab,
                              "fetch('/app.js', {cache: 'no-store'})"
                              ".then(r => r.headers.get('content-encoding') + ' ' + "
                              "r.headers.get('vary'))") == "gzip Accept-Encoding");
    CHECK(browser.eval_string(tab,
                              "fetch('/static/lib.js', {cache: 'no-store'})"
                              ".then(r => r.headers.get('content-encoding'))") == "gzip");
}
