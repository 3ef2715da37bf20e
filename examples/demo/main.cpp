// demo: the server `make run` starts. One wire server with a home page linking every example
// that has a browser side (see ROUTES.md for the routes and what each page expects).
//
//   make run                                   (or build/examples/demo [--port N] [--www DIR])
//   WIRE_TRACE=1 make run                      annotated heads and frames on standard error
//
// Pages are plain HTML/JS under examples/demo/www/, read from disk at each request (edit and
// reload). Run it from the repository root, or pass --www.
//
// Status: the HTTP side (pages, /inspect, POST /api/tool/send_message). The WebSocket endpoints
// (/echo, /chat, /socket/system/message, /tail) and /files/ join when the Upgrader and the file
// server land; until then the pages show "disconnected" and keep retrying, as they should.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "examples/demo/api.hpp"
#include "examples/demo/pages.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"

namespace http = wire::http;

namespace {

struct Options {
    std::string port = "8080";
    std::string www = "examples/demo/www";
};

Options parse(int argc, char** argv) {
    Options o;
    if (const char* p = std::getenv("PORT")) o.port = p;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--port") == 0) o.port = argv[i + 1];
        if (std::strcmp(argv[i], "--www") == 0) o.www = argv[i + 1];
    }
    return o;
}

// One line per request: who, what, the answer, how long (like a web server's access log).
void access_log(const http::AccessLogEntry& e) {
    const double ms = std::chrono::duration<double, std::milli>(e.duration).count();
    char line[512];
    std::snprintf(line, sizeof line, "%.*s \"%.*s %.*s %.*s\" %d %llu %.2fms\n",
                  static_cast<int>(e.remote_addr.size()), e.remote_addr.data(),
                  static_cast<int>(e.method.size()), e.method.data(),
                  static_cast<int>(e.target.size()), e.target.data(),
                  static_cast<int>(e.proto.size()), e.proto.data(), e.status,
                  static_cast<unsigned long long>(e.bytes), ms);
    std::fputs(line, stdout);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    auto mux = std::make_shared<http::ServeMux>();
    demo::register_pages(*mux, options.www);
    // No WebSocket hub yet: a system message reaches no one (the answer says so).
    demo::register_api(*mux, [](std::string_view) { return std::size_t{0}; });

    http::Server server;
    server.addr = "127.0.0.1:" + options.port;
    server.handler = mux;
    server.access_log = access_log;
    server.shutdown_on_signals(std::chrono::seconds(1));
    if (auto r = server.listen(); !r) {
        std::cerr << "demo: cannot listen on " << server.addr << ": " << r.error().message()
                  << '\n';
        return 1;
    }
    std::cout << "wire demo: open http://" << server.address().to_string() << "/ in a browser\n"
              << std::flush;
    const auto result = server.serve();
    return result.error() == http::ServerError::server_closed ? 0 : 1;
}
