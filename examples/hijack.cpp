// hijack: seed 004's Hijacker example. A handler takes the TCP connection away from the HTTP
// server (Go's http.Hijacker) and speaks its own protocol on it: a prompt, one line from the
// client, an answer, and goodbye. This is how a WebSocket upgrade begins, too.
//
//   build/examples/hijack [--port N]        (or PORT=N; default 8080)
//   printf 'GET /hijack HTTP/1.1\r\nHost: x\r\n\r\nhi\n' | nc 127.0.0.1 8080
//
// The server answers with no HTTP response at all: after hijack() the bytes are ours.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"

namespace http = wire::http;

namespace {

// Go's %q for a short string: double-quoted, with \n, \r, \t, \", \\ and other control bytes
// escaped.
std::string go_quote(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string q = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '\n':
                q += "\\n";
                break;
            case '\r':
                q += "\\r";
                break;
            case '\t':
                q += "\\t";
                break;
            case '"':
                q += "\\\"";
                break;
            case '\\':
                q += "\\\\";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    q += "\\x";
                    q += hex[u >> 4];
                    q += hex[u & 0xf];
                } else {
                    q += c;
                }
        }
    }
    return q + "\"";
}

// The conversation, on a thread of its own: net::Conn blocks, and the server's event loop must
// not (see hijack() in http/response_writer.hpp).
void talk(http::Hijacked c) {
    // Don't forget to close the connection: dropping `c.conn` at the end does it.
    c.conn->set_deadline(wire::net::Conn::Clock::now() + std::chrono::seconds(30));
    (void)c.writer->write("Now we're speaking raw TCP. Say hi: ");
    if (!c.writer->flush()) return;
    const auto line = c.reader->read_until('\n');
    if (!line) {
        std::cerr << "error reading string: " << line.error().message() << '\n';
        return;
    }
    (void)c.writer->write("You said: " + go_quote(*line) + "\nBye.\n");
    (void)c.writer->flush();
}

void hijack_handler(http::ResponseWriter& w, http::Request&) {
    auto hijacked = w.hijack();
    if (!hijacked) {
        w.write_header(500);
        (void)w.write("webserver doesn't support hijacking: " + hijacked.error().message() + "\n");
        return;
    }
    std::thread(talk, std::move(*hijacked)).detach();
}

}  // namespace

int main(int argc, char** argv) {
    std::string port = std::getenv("PORT") != nullptr ? std::getenv("PORT") : "8080";
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0) port = argv[i + 1];
    }
    http::handle_func("/hijack", hijack_handler);

    http::Server server;
    server.addr = "127.0.0.1:" + port;
    server.shutdown_on_signals(std::chrono::seconds(1));
    const auto result = server.listen_and_serve();
    return result.error() == http::ServerError::server_closed ? 0 : 1;
}
