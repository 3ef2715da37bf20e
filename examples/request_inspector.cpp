// request_inspector: seed 000's HTTP server that prints each request it receives: the client's
// address, the method, the path, the header fields and the body (Go: r.RemoteAddr, r.Method,
// r.URL.Path, r.Header, r.Body), then answers "test OK" (the tutorial's "test成功").
//
//   build/examples/request_inspector [--port N]        (or PORT=N; default 8080)
//   curl -d 'name=wire' http://127.0.0.1:8080/go
//
// The report goes to standard output and, so that curl shows it too, into the response.
// The tutorial registers "/go"; registering "/" as well inspects every path.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"

namespace http = wire::http;

namespace {

// The body as a person would want to read it: quoted text, with control bytes escaped.
std::string quoted(std::string_view body) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s = "\"";
    for (const char c : body) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            s += '\\';
            s += c;
        } else if (c == '\n') {
            s += "\\n";
        } else if (u < 0x20 || u == 0x7f) {
            s += "\\x";
            s += hex[u >> 4];
            s += hex[u & 0xf];
        } else {
            s += c;  // UTF-8 passes through unchanged
        }
    }
    return s + "\"";
}

void inspect(http::ResponseWriter& w, http::Request& r) {
    std::string body;
    // The server has already read a small body (Server::max_body_preread), so this never blocks.
    const auto read = r.body().read_all(body);

    std::string report;
    report += std::string(r.remote_addr) + " connected\n";
    report += "method: " + std::string(r.method) + "\n";
    report += "url: " + std::string(r.path) + "\n";
    if (!r.raw_query.empty()) report += "query: " + std::string(r.raw_query) + "\n";
    report += "proto: " + std::string(r.proto()) + "\n";
    report += "header:\n";
    for (const http::Field& f : r.header)
        report += "  " + std::string(f.name) + ": " + std::string(f.value) + "\n";
    report += "body: " + quoted(body) + " (" + std::to_string(body.size()) + " bytes)\n";
    if (!read) report += "body error: " + read.error().message() + "\n";

    std::cout << report << std::flush;
    w.header().set("Content-Type", "text/plain; charset=utf-8");
    (void)w.write(report);
    (void)w.write("test OK\n");
}

}  // namespace

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8080";
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
    }
    http::handle_func("/go", inspect);  // the tutorial's path
    http::handle_func("/", inspect);    // and every other one

    http::Server server;
    server.addr = "127.0.0.1:" + port;
    server.shutdown_on_signals(std::chrono::seconds(1));
    const auto result = server.listen_and_serve();
    return result.error() == http::ServerError::server_closed ? 0 : 1;
}
