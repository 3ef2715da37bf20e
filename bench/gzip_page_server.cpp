// gzip_page_server: one HTML page through http::gzip_handler, for bench/bench-http-gzip.sh.
//
//   build/bench/gzip_page_server --page FILE [--port N] [--level L]   (or PORT=N; WORKERS=N)
//
// GET / answers the page (read once at start) as text/html; gzip_handler compresses it at level
// L (1..9, default GzipOptions' 6) for a client that accepts gzip. The bench kit's server
// contract (../shared/bench/README.md): 127.0.0.1:$PORT, exits on SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "http/gzip_handler.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace http = wire::http;

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8080";
    std::string page_file;
    http::GzipOptions options;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
        if (std::strcmp(argv[i], "--page") == 0) page_file = argv[i + 1];
        if (std::strcmp(argv[i], "--level") == 0) options.level = std::atoi(argv[i + 1]);
    }
    std::ifstream in(page_file, std::ios::binary);
    const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (page.empty()) {
        std::fprintf(stderr, "gzip_page_server: --page FILE (a non-empty HTML file) is required\n");
        return 2;
    }
    auto mux = std::make_shared<http::ServeMux>();
    mux->handle_func("/", [&page](http::ResponseWriter& w, http::Request&) {
        w.header().set("Content-Type", "text/html; charset=utf-8");
        (void)w.write(page);
    });
    http::Server server;
    server.addr = "127.0.0.1:" + port;
    server.handler = http::gzip_handler(mux, options);
    if (const char* workers = std::getenv("WORKERS"))
        server.loops = std::strtoul(workers, nullptr, 10);
    server.shutdown_on_signals(std::chrono::seconds(1));
    auto result = server.listen_and_serve();
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "gzip_page_server: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
