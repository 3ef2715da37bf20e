// hello_server: Go's hello world on wire.
//
//   build/examples/hello_server [--port N] [--busy-poll US]   (or PORT=N; WORKERS=N event loops)
//
// --busy-poll US keeps each loop awake up to US microseconds after a busy pass (Server::busy_poll;
// docs/performance.md says when that pays).
//
// Follows the bench kit's server contract (../shared/bench/README.md): listens on
// 127.0.0.1:$PORT, GET / answers "hello world!\n" with Content-Length, exits on SIGTERM.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace http = wire::http;

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8080";
    long busy_poll_us = 0;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
        if (std::strcmp(argv[i], "--busy-poll") == 0) busy_poll_us = std::atol(argv[i + 1]);
    }
    http::handle_func(
        "/", [](http::ResponseWriter& w, http::Request&) { (void)w.write("hello world!\n"); });

    http::Server server;
    server.addr = "127.0.0.1:" + port;
    if (const char* workers = std::getenv("WORKERS"))
        server.loops = std::strtoul(workers, nullptr, 10);
    server.busy_poll = std::chrono::microseconds(busy_poll_us);
    server.shutdown_on_signals(std::chrono::seconds(1));
    auto result = server.listen_and_serve();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "hello_server: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
