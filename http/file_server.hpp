// Serving files, as Go's http.FileServer, ServeFile and ServeContent do.
// wire:glue
//
//   mux.handle("/static/", wire::http::strip_prefix("/static", wire::http::file_server("public")));
//
// What a response gets, rule by rule (Go's behaviour, RFC sections beside):
//   - "/dir" is redirected to "/dir/" and ".../index.html" to ".../" (301, query kept); a
//     directory is served by its index.html, or else by a listing of its entries.
//   - Content-Type from the file extension, else sniffed from the first 512 bytes.
//   - Last-Modified from the file's mtime; an ETag ("mtime-size" in hex, as nginx) unless the
//     handler set one already (a deviation from Go, which sets none).
//   - Conditional requests in RFC 9110 §13.2.2 order: 412, 304; If-Range.
//   - Range (RFC 9110 §14): one range -> 206 with Content-Range, several -> 206
//     multipart/byteranges, none satisfiable -> 416 with "Content-Range: bytes */size".
//   - A precompressed sibling (FileOptions::precompressed, nginx's gzip_static): for "app.js"
//     with "app.js.gz" beside it, a request that accepts gzip (RFC 9110 §12.5.3) gets the .gz
//     file's bytes with the original's Content-Type, "Content-Encoding: gzip", the .gz file's
//     Content-Length, ETag and Last-Modified, and ranges over the encoded bytes; others get
//     "app.js". Both carry "Vary: Accept-Encoding". The sibling is looked for only when the
//     original exists; keep the two in step (a build step writes both).
//   - No escape from the root: "..", encoded dots and symlinks that lead out are refused
//     (http/detail/safe_path.hpp); missing files are 404, unreadable ones 403.
//
// Reading files blocks the calling thread briefly (page cache) or longer (cold disk, network
// file systems): on a server whose handlers run on the event loops, large or slow trees belong
// on Server::worker_threads.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "http/handler.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"

namespace wire::http {

struct FileOptions {
    // Serve "<name>.gz" beside "<name>" to clients that accept gzip.
    bool precompressed = true;
};

// A handler serving the tree under the directory `root` by request path.
HandlerPtr file_server(std::string root, FileOptions options = {});

// Serves the file or directory at `path` (a file system path chosen by the program, not
// checked against any root). A request path with a ".." element is refused with 400, as Go.
void serve_file(ResponseWriter& w, Request& r, std::string_view path, FileOptions options = {});

// Serves `content` as the representation named `name` (its extension picks the Content-Type)
// last modified at `modtime` (seconds since the epoch; nullopt when unknown), with conditional
// requests and ranges handled. An ETag the handler put in w.header() takes part in the
// conditionals.
void serve_content(ResponseWriter& w, Request& r, std::string_view name,
                   std::optional<std::time_t> modtime, std::string_view content);

}  // namespace wire::http
