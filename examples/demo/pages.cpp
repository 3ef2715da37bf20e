#include "examples/demo/pages.hpp"

#include <fstream>
#include <iterator>
#include <string_view>

#include "http/content_type.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace demo {
namespace http = wire::http;
namespace {

struct Page {
    const char* route;  // a ServeMux pattern
    const char* file;   // under www
};

// Plain pages, served as they are.
constexpr Page kPages[] = {
    {"GET /{$}", "index.html"},      {"GET /echo.html", "echo.html"},
    {"GET /chat.html", "chat.html"}, {"GET /push.html", "push.html"},
    {"GET /tail.html", "tail.html"}, {"GET /wire.js", "wire.js"},
    {"GET /style.css", "style.css"},
};

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

// Reads the file at each request, so editing a page and reloading the browser shows the change.
// The files are a few kilobytes: reading them on the event loop costs microseconds.
void serve(http::ResponseWriter& w, const std::string& path, std::string_view ws_url = {}) {
    std::string body;
    if (!read_file(path, body)) {
        http::error(w, "page missing on the server: " + path, 500);
        return;
    }
    // The seed pages carry "{{ws_url}}" where Go's html/template put "{{.}}".
    if (!ws_url.empty()) {
        constexpr std::string_view mark = "{{ws_url}}";
        for (auto at = body.find(mark); at != std::string::npos; at = body.find(mark, at))
            body.replace(at, mark.size(), ws_url);
    }
    w.header().set("Content-Type", http::content_type_for_extension(http::path_extension(path)));
    w.header().set("Cache-Control", "no-cache");
    (void)w.write(body);
}

}  // namespace

void register_pages(http::ServeMux& mux, const std::string& www) {
    for (const Page& p : kPages) {
        const std::string path = www + "/" + p.file;
        mux.handle_func(p.route,
                        [path](http::ResponseWriter& w, http::Request&) { serve(w, path); });
    }
    // Rendered like seed 002's home(): "ws://" + r.Host + path.
    mux.handle_func("GET /seed/001/client.html", [www](http::ResponseWriter& w, http::Request& r) {
        serve(w, www + "/seed/001/client.html", "ws://" + std::string(r.host) + "/seed/001/ws");
    });
    mux.handle_func("GET /seed/002/{$}", [www](http::ResponseWriter& w, http::Request& r) {
        serve(w, www + "/seed/002/index.html", "ws://" + std::string(r.host) + "/seed/002/stream");
    });
}

}  // namespace demo
