// hello: seed 000 §2.2, Go's smallest web server, line for line.
//
//   func helloHandler(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello world!\n")
//   } func main() { http.HandleFunc("/", helloHandler); http.ListenAndServe(":8080", nil) }
//
//   build/examples/hello [--port N]        then: curl http://127.0.0.1:8080/
//
// handle_func registers on the default ServeMux; listen_and_serve with a null handler serves that
// mux, and stops gracefully on Ctrl-C or SIGTERM. (examples/hello_server.cpp is the same server
// tuned for the benchmarks.)
#include <cstdio>
#include <string>

#include "example_flags.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"
#include "net/error.hpp"

namespace http = wire::http;

// The handler: write the body. No write_header() call means 200 OK (Go's implicit 200), and the
// server computes Content-Length and sniffs "text/plain; charset=utf-8" from the bytes.
void hello_handler(http::ResponseWriter& w, http::Request&) {
    (void)w.write("hello world!\n");
}

int main(int argc, char** argv) {
    http::handle_func("/", hello_handler);
    const std::string addr = example::listen_address(argc, argv);
    auto result = http::listen_and_serve(addr, nullptr);
    // Like Go's ListenAndServe it returns only with an error: server_closed (Go's
    // ErrServerClosed) after Ctrl-C or SIGTERM stopped it gracefully, which is success.
    if (result.error() == http::ServerError::server_closed) return 0;
    // Any other error, e.g. "listen 127.0.0.1:8080: address already in use", exits 1.
    std::fprintf(stderr, "hello: %s\n",
                 wire::net::describe("listen", addr, result.error()).c_str());
    return 1;
}
