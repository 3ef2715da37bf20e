// The demo's browser side (examples/demo/www/) checked as files: what every page must have
// whatever server serves it. The headless-Chromium test that drives the pages against the real
// demo server lives beside the demo server.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kWww = "examples/demo/www";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

struct LivePage {
    const char* file;
    const char* ws_path;
};

// Each page with a WebSocket, and the endpoint it opens (examples/demo/ROUTES.md).
const LivePage kLivePages[] = {
    {"echo.html", "/echo"},
    {"chat.html", "/chat"},
    {"push.html", "/socket/system/message"},
    {"tail.html", "/tail"},
};

}  // namespace

TEST_CASE("demo pages load nothing from other hosts (no CDN, no build step)") {
    std::size_t pages = 0;
    for (const auto& entry : fs::recursive_directory_iterator(kWww)) {
        if (!entry.is_regular_file()) continue;
        const std::string ext = entry.path().extension().string();
        if (ext != ".html" && ext != ".js" && ext != ".css") continue;
        ++pages;
        const std::string text = slurp(entry.path());
        CAPTURE(entry.path().string());
        for (const char* bad :
             {"src=\"http", "src='http", "href=\"http", "@import", "url(http", "integrity="}) {
            CHECK_MESSAGE(!contains(text, bad), "external resource: " << bad);
        }
    }
    CHECK(pages >= 8);
}

TEST_CASE("every live page shows its connection state and reconnects through wire.js") {
    const std::string routes = slurp("examples/demo/ROUTES.md");
    for (const LivePage& p : kLivePages) {
        const std::string page = slurp(kWww / p.file);
        CAPTURE(std::string(p.file));
        CHECK(contains(page, "id=\"state\""));
        CHECK(contains(page, "<script src=\"/wire.js\"></script>"));
        CHECK(contains(page, std::string("wireSocket(\"") + p.ws_path + "\""));
        CHECK(contains(routes, std::string("| `") + p.ws_path + "` |"));
    }
    const std::string js = slurp(kWww / "wire.js");
    CHECK(contains(js, "function wireSocket("));
    CHECK(contains(js, "maxDelay"));  // backoff is bounded
    CHECK(contains(js, "setTimeout(open"));
}

TEST_CASE("the home page links every example") {
    const std::string index = slurp(kWww / "index.html");
    for (const char* link : {"/echo.html", "/chat.html", "/push.html", "/tail.html", "/files/",
                             "/inspect", "/seed/001/client.html", "/seed/002/"}) {
        CAPTURE(std::string(link));
        CHECK(contains(index, std::string("href=\"") + link + "\""));
    }
}

TEST_CASE("the seed pages carry the placeholder the server renders the ws URL into") {
    for (const char* page : {"seed/001/client.html", "seed/002/index.html"}) {
        CAPTURE(std::string(page));
        CHECK(contains(slurp(kWww / page), "\"{{ws_url}}\""));
    }
}
