// inspector: seed 000 §2.3.1, the server that prints what a request is made of.
//
//   build/examples/inspector [--port N]
//   curl -d 'name=wire' http://127.0.0.1:8080/go
//
// For every request to /go it prints the client's address, the method, the path, every header
// field line and the body on standard output, then answers "test成功" ("test succeeded"), as the
// seed does. Go prints r.Body as an object; reading it shows the bytes instead.
#include <cstdio>
#include <string>

#include "example_flags.hpp"
#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace http = wire::http;

namespace {

void my_handler(http::ResponseWriter& w, http::Request& r) {
    // Request views point into the connection's buffers: print them now, keep nothing.
    std::string out;
    out.append(r.remote_addr).append(" connected\n");
    out.append("method: ").append(r.method).append("\n");
    out.append("url: ").append(r.path).append("\n");
    out.append("header:\n");
    for (const auto& field : r.header) {
        out.append("  ").append(field.name).append(": ").append(field.value).append("\n");
    }
    // The body arrives decoded (Content-Length or chunked). The server reads a body of up to
    // Server::max_body_preread (64 KiB) before calling us, so this does not block the loop; a
    // bigger upload would, and belongs on Server::worker_threads.
    std::string body;
    if (auto read = r.body().read_all(body); !read) {
        http::error(w, "cannot read the body: " + read.error().message(), 400);
        return;
    }
    out.append("body: ").append(body).append("\n");
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);  // one request, one block of lines, even when stdout is a pipe

    (void)w.write("test成功");
}

}  // namespace

int main(int argc, char** argv) {
    http::handle_func("/go", my_handler);

    http::Server server;  // the default mux, as http.ListenAndServe(addr, nil)
    server.addr = example::listen_address(argc, argv);
    server.shutdown_on_signals(std::chrono::seconds(2));
    auto result = server.listen_and_serve();
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "inspector: %s\n",
                 wire::net::describe("listen", server.addr, result.error()).c_str());
    return 1;
}
