// demo: the server `make run` starts. One address, every example with a browser side:
//
//   http://127.0.0.1:8080/            the home page, linking everything below
//   /echo.html  /chat.html  /push.html  /tail.html   the WebSocket pages
//   /files/     a file server over examples/static/
//   /inspect    the request inspector (seed 000)
//   /seed/001/client.html, /seed/002/   the seed tutorials' own pages
//
//   build/examples/demo [--port N] [--tail FILE]     (or PORT=N)
//
// examples/demo/ROUTES.md lists every route and what the pages expect of it. The terminal shows
// the URL and one access-log line per request. Ctrl-C (or SIGTERM) shuts down gracefully:
// requests in flight finish and WebSocket clients get a close frame with 1001 (going away).
#include <chrono>
#include <cstdio>
#include <string>

#include "../example_flags.hpp"
#include "demo.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"

namespace http = wire::http;

namespace {

// One line per response: client, request line, status, body bytes, time taken.
void access_log(const http::AccessLogEntry& e) {
    const double ms = std::chrono::duration<double, std::milli>(e.duration).count();
    char timing[32];
    std::snprintf(timing, sizeof timing, "%.2f ms", ms);
    std::string line;
    line.append(e.remote_addr).append(" \"").append(e.method).append(" ").append(e.target);
    line.append(" ").append(e.proto).append("\" ").append(std::to_string(e.status));
    line.append(" ").append(std::to_string(e.bytes)).append(" ").append(timing).append("\n");
    std::fwrite(line.data(), 1, line.size(), stdout);  // one call: lines from loops never mix
    std::fflush(stdout);
}

demo::Paths find_paths(int argc, char** argv) {
    demo::Paths paths;
    paths.www = demo::find_repo_dir("examples/demo/www");
    paths.static_dir = demo::find_repo_dir("examples/static");
    paths.tail_file = example::flag(argc, argv, "--tail", "");
    return paths;
}

}  // namespace

int main(int argc, char** argv) {
    const demo::Paths paths = find_paths(argc, argv);
    auto mux = std::make_shared<http::ServeMux>();
    demo::add_pages(*mux, paths);
    demo::add_files(*mux, paths);
    demo::add_inspector(*mux);

    http::Server server;
    server.addr = example::listen_address(argc, argv);
    server.handler = mux;
    server.access_log = access_log;
    server.log = [](std::string_view line) {
        std::fprintf(stdout, "wire demo: %.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stdout);
    };
    server.shutdown_on_signals(std::chrono::seconds(2));
    if (paths.www.empty()) std::fprintf(stderr, "demo: pages not found (set WIRE_DEMO_ROOT)\n");
    auto result = server.listen_and_serve();
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "demo: %s\n", result.error().message().c_str());
    return 1;
}
