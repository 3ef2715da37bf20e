// hello_server: Go's hello world on wire.
//
//   build/examples/hello_server [--port N]      (or PORT=N; WORKERS=N event loops)
//
// Follows the bench kit's server contract (../shared/bench/README.md): listens on
// 127.0.0.1:$PORT, GET / answers "hello world!\n" with Content-Length, exits on SIGTERM.
#include <cstdlib>
#include <cstring>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"

namespace http = wire::http;

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8080";
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
    }
    http::handle_func(
        "/", [](http::ResponseWriter& w, http::Request&) { (void)w.write("hello world!\n"); });

    http::Server server;
    server.addr = "127.0.0.1:" + port;
    if (const char* workers = std::getenv("WORKERS"))
        server.loops = std::strtoul(workers, nullptr, 10);
    server.shutdown_on_signals(std::chrono::seconds(1));
    auto result = server.listen_and_serve();
    // Go's ListenAndServe always returns an error; ErrServerClosed means a clean shutdown.
    return result.error() == http::ServerError::server_closed ? 0 : 1;
}
