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

#include "example_flags.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"
#include "http/server_error.hpp"

namespace http = wire::http;

// The handler: write the body. No write_header() call means 200 OK (Go's implicit 200), and the
// server computes Content-Length and sniffs "text/plain; charset=utf-8" from the bytes.
void hello_handler(http::ResponseWriter& w, http::Request&) {
    (void)w.write("hello world!\n");
}

int main(int argc, char** argv) {
    http::handle_func("/", hello_handler);
    auto result = http::listen_and_serve(example::listen_address(argc, argv), nullptr);
    // Like Go's ListenAndServe, it only returns with an error; server_closed means Ctrl-C.
    if (result.error() == http::ServerError::server_closed) return 0;
    std::fprintf(stderr, "hello: %s\n", result.error().message().c_str());
    return 1;
}
