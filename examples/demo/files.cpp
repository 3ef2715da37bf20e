// GET /files/...: a small file server over examples/static/ (what the file server of the seeds'
// net/http, http.FileServer, does for the demo): files with their content type, directories as
// a list of links. /files redirects to /files/ (the mux does that for a subtree pattern).
//
// Safety: the path is percent-decoded, then cleaned as if rooted at "/" (clean_path drops every
// ".." that would climb above it), so no request reaches outside the served folder.
#include <algorithm>
#include <string>
#include <vector>

#include "demo.hpp"
#include "http/clean_path.hpp"
#include "http/content_type.hpp"
#include "http/handlers.hpp"
#include "http/percent.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace demo {

namespace fs = std::filesystem;
namespace http = wire::http;

namespace {

constexpr std::string_view kPrefix = "/files";

std::string html_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

void list_directory(http::ResponseWriter& w, const fs::path& dir, std::string_view url_path) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        names.push_back(entry.path().filename().string() + (entry.is_directory() ? "/" : ""));
    }
    std::sort(names.begin(), names.end());
    std::string page = "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>" +
                       html_escape(url_path) + "</title>\n<h1>" + html_escape(url_path) +
                       "</h1>\n<ul>\n";
    for (const auto& name : names) {
        page += "<li><a href=\"" + http::percent_encode(name, http::Escape::path) + "\">" +
                html_escape(name) + "</a></li>\n";
    }
    page += "</ul>\n";
    w.header().set("Content-Type", "text/html; charset=utf-8");
    (void)w.write(page);
}

void serve_file(http::ResponseWriter& w, const fs::path& file) {
    std::string body;
    if (!read_file(file, body)) {
        http::error(w, "403 forbidden", 403);
        return;
    }
    const auto type = http::content_type_for_extension(http::path_extension(file.string()));
    // Unknown extensions fall back to sniffing the first bytes (the ResponseWriter does it).
    if (!type.empty()) w.header().set("Content-Type", type);
    (void)w.write(body);
}

}  // namespace

void add_files(http::ServeMux& mux, const Paths& paths) {
    mux.handle_func(
        "GET /files/", [root = paths.static_dir](http::ResponseWriter& w, http::Request& r) {
            std::string decoded;
            if (http::percent_decode(r.path.substr(kPrefix.size()), decoded)) {
                http::error(w, "400 bad request", 400);
                return;
            }
            const std::string clean = http::clean_path(decoded);  // "/notes/reading.md"
            const fs::path target = root / fs::path(clean).relative_path();
            std::error_code ec;
            if (root.empty() || !fs::exists(target, ec)) {
                http::not_found(w, r);
            } else if (fs::is_directory(target, ec)) {
                if (!r.path.ends_with('/')) {  // relative links in the listing need the slash
                    http::redirect(w, r, std::string(r.path) + "/", 301);
                    return;
                }
                list_directory(w, target, r.path);
            } else {
                serve_file(w, target);
            }
        });
}

}  // namespace demo
