// GET /files/...: examples/static/ through wire's file server (Go's http.FileServer): files with
// their content type, directory listings, Range, If-Modified-Since and ETags, and no way out of
// the folder. /files redirects to /files/ (the mux does that for a subtree pattern).
//
// The library's listing is as plain as Go's (a <pre> of links, no style, no way back). The demo
// puts its own frame around it, as any application would: the file server answers into a
// recorder, and a 200 listing comes out inside a page with the demo's header and stylesheet.
// Everything else (files, 304, 404, ranges) passes through unchanged.
#include <optional>
#include <string>
#include <string_view>

#include "demo.hpp"
#include "http/file_server.hpp"
#include "http/handlers.hpp"
#include "http/response_writer.hpp"

namespace demo {

namespace http = wire::http;

namespace {

// What a handler answers, kept instead of sent (Go's httptest.ResponseRecorder, reduced to
// what the frame needs). Header fields go straight to the real response, which sends them.
class Recorder final : public http::ResponseWriter {
  public:
    explicit Recorder(http::ResponseWriter& out) : out_(out) {}

    http::Header& header() override { return out_.header(); }
    void write_header(int status) override {
        if (status_ == 0) status_ = status;
    }
    wire::net::Result<std::size_t> write(std::string_view data) override {
        if (status_ == 0) status_ = 200;
        body_.append(data);
        return data.size();
    }
    wire::net::Result<void> flush() override { return {}; }
    [[nodiscard]] int status() const noexcept override { return status_; }
    [[nodiscard]] std::uint64_t bytes_written() const noexcept override { return body_.size(); }

    [[nodiscard]] const std::string& body() const noexcept { return body_; }

  private:
    http::ResponseWriter& out_;
    int status_ = 0;
    std::string body_;
};

// The entries of the library's listing: the lines between "<pre>\n" and "</pre>"; nothing when
// `page` is not a listing (a folder's index.html is served in its place).
std::optional<std::string_view> listing_entries(std::string_view page) {
    const std::string_view open = "<pre>\n";
    const auto start = page.find(open);
    const auto end = page.rfind("</pre>");
    if (start == std::string_view::npos || end == std::string_view::npos || end < start)
        return std::nullopt;
    return page.substr(start + open.size(), end - start - open.size());
}

// The listing of `url_path` (e.g. "/files/notes/") as a demo page.
std::string listing_page(std::string_view url_path, std::string_view entries) {
    std::string title = "Files: ";
    append_escaped(title, url_path);
    std::string page = page_start(title);
    page +=
        "<p>wire's file server (<code>http::file_server</code>, Go's <code>http.FileServer</code>)"
        " over <code>examples/static/</code>: each file with its content type, ranges and"
        " conditional requests. The listing is the library's own.</p>\n<pre class=\"listing\">\n";
    if (url_path != "/files/") page += "<a href=\"../\">../</a>\n";
    page.append(entries);
    page += "</pre>\n</body>\n</html>\n";
    return page;
}

}  // namespace

void add_files(http::ServeMux& mux, const Paths& paths) {
    if (paths.static_dir.empty()) return;  // the mux answers 404
    // strip_prefix turns "/files/notes/reading.md" into "/notes/reading.md" for the file server,
    // as Go's http.StripPrefix does.
    auto files = http::strip_prefix("/files", http::file_server(paths.static_dir));
    mux.handle_func("GET /files/", [files](http::ResponseWriter& w, http::Request& r) {
        if (!r.path.ends_with('/')) return files->serve(w, r);  // a file: straight through
        const std::string url_path(r.path);
        // A HEAD is answered as the GET would be, framed (the server sends no body for it).
        const std::string_view method = r.method;
        if (method == "HEAD") r.method = "GET";
        Recorder answer(w);
        files->serve(answer, r);
        r.method = method;
        const auto entries = listing_entries(answer.body());
        if (answer.status() == 200 && entries) {
            const std::string page = listing_page(url_path, *entries);
            w.header().del("Content-Length");  // the recorded length was the bare listing's
            w.write_header(200);
            (void)w.write(page);
            return;
        }
        if (answer.status() != 0) w.write_header(answer.status());
        if (!answer.body().empty()) (void)w.write(answer.body());
    });
}

}  // namespace demo
