// The demo's pages: every file under www/ is served at its own path ("GET /echo.html"), read from
// disk on each request so that an edited page shows on reload. Two seed pages are templates: the
// server writes their ws:// URL into them, as the tutorial's html/template did with {{.}}, and
// puts the demo's frame around them (frame.cpp): the files stay as the tutorials wrote them, and
// examples/channel_echo serves client.html alone.
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "demo.hpp"
#include "http/content_type.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace demo {

namespace fs = std::filesystem;
namespace http = wire::http;

namespace {

// A template page: the WebSocket path its {{ws_url}} names (ROUTES.md) and its header's title.
struct Template {
    std::string ws_path;
    std::string title;
};
const std::map<std::string, Template, std::less<>> kTemplates = {
    {"seed/001/client.html", {"/seed/001/ws", "Seed 001: client.html"}},
    {"seed/002/index.html", {"/seed/002/stream", "Seed 002: a stream of messages"}},
};

// Replaces every {{ws_url}} with "ws://<Host><path>": the page connects back to whichever
// address the browser used to reach us.
std::string render(std::string page, std::string_view host, std::string_view ws_path) {
    const std::string marker = "{{ws_url}}";
    const std::string url = "ws://" + std::string(host) + std::string(ws_path);
    for (auto at = page.find(marker); at != std::string::npos; at = page.find(marker, at)) {
        page.replace(at, marker.size(), url);
        at += url.size();
    }
    return page;
}

// `tmpl` is null for a page served as it is.
http::HandlerPtr page_handler(fs::path file, const Template* tmpl) {
    return http::handler_func(
        [file = std::move(file), tmpl](http::ResponseWriter& w, http::Request& r) {
            std::string body;
            if (!read_file(file, body)) {
                http::error(w, "cannot read " + file.filename().string(), 500);
                return;
            }
            if (tmpl != nullptr)
                body = add_frame(render(std::move(body), r.host, tmpl->ws_path), tmpl->title);
            const auto type = http::content_type_for_extension(http::path_extension(file.string()));
            if (!type.empty()) w.header().set("Content-Type", type);
            w.header().set("Cache-Control", "no-cache");  // edits show on reload
            (void)w.write(body);
        });
}

// Without www/ (a checkout without the pages), "/" still says what is here.
void add_fallback_home(http::ServeMux& mux) {
    mux.handle_func("GET /{$}", [](http::ResponseWriter& w, http::Request&) {
        w.header().set("Content-Type", "text/plain; charset=utf-8");
        (void)w.write(
            "wire demo: the pages (examples/demo/www) were not found.\n"
            "Set WIRE_DEMO_ROOT to the repository. Still served: /files/ and /inspect.\n");
    });
}

}  // namespace

bool read_file(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

void add_pages(http::ServeMux& mux, const Paths& paths) {
    if (paths.www.empty()) {
        add_fallback_home(mux);
        return;
    }
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(paths.www, ec)) {
        if (!entry.is_regular_file()) continue;
        const std::string rel = entry.path().lexically_relative(paths.www).generic_string();
        const auto tmpl = kTemplates.find(rel);
        auto handler =
            page_handler(entry.path(), tmpl == kTemplates.end() ? nullptr : &tmpl->second);
        mux.handle("GET /" + rel, handler);
        // A folder's index.html also answers for the folder itself ("/" and "/seed/002/").
        if (entry.path().filename() == "index.html") {
            const std::string dir = rel.substr(0, rel.size() - std::string("index.html").size());
            mux.handle("GET /" + dir + "{$}", handler);
        }
    }
}

}  // namespace demo
