// GET /files/...: examples/static/ through wire's file server (Go's http.FileServer): files with
// their content type, directory listings, Range, If-Modified-Since and ETags, and no way out of
// the folder. /files redirects to /files/ (the mux does that for a subtree pattern).
#include "demo.hpp"
#include "http/file_server.hpp"
#include "http/handlers.hpp"

namespace demo {

namespace http = wire::http;

void add_files(http::ServeMux& mux, const Paths& paths) {
    if (paths.static_dir.empty()) return;  // the mux answers 404
    // strip_prefix turns "/files/notes/reading.md" into "/notes/reading.md" for the file server,
    // as Go's http.StripPrefix does.
    mux.handle("GET /files/", http::strip_prefix("/files", http::file_server(paths.static_dir)));
}

}  // namespace demo
