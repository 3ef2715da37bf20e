// Whole connections through the real server. The input is everything one client sends on one
// loopback connection before it half-closes. Whatever those bytes are, the server must answer
// with a sequence of well-formed HTTP/1.1 responses, each one delimited (RFC 9112 §6.3), none
// after one that says "Connection: close" (RFC 9112 §9.6), and it must close the connection
// once the client is done. The server (one loop, a few handlers) starts on the first input
// and serves every later one, so state leaking from one connection into the next shows too.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/body_reader.hpp"
#include "http/parser.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "http/serve_mux.hpp"
#include "http/server.hpp"

namespace {

using namespace wire;

std::uint16_t server_port() {
    static const std::uint16_t port = [] {
        auto mux = std::make_shared<http::ServeMux>();
        mux->handle_func("/", [](http::ResponseWriter& w, http::Request& r) {
            std::string body;
            (void)r.body().read_all(body);
            (void)w.write("M=" + std::string(r.method) + " B=" + body);
        });
        mux->handle_func("GET /get", [](http::ResponseWriter& w, http::Request&) {
            (void)w.write("hello world");
        });
        mux->handle_func("/stream", [](http::ResponseWriter& w, http::Request&) {
            (void)w.write("part one;");
            (void)w.flush();
            (void)w.write("part two");
        });
        mux->handle_func("/empty",
                         [](http::ResponseWriter& w, http::Request&) { w.write_header(204); });
        // Lives until exit and is never destroyed: the fuzzer never stops it, and destroying it at
        // exit while its detached serving thread still holds it would be a race (TSan reports it).
        static http::Server& server = *new http::Server;
        server.addr = "127.0.0.1:0";
        server.handler = mux;
        server.log = [](std::string_view) {};
        server.max_header_bytes = 4096;
        server.limits.max_body = 8192;
        server.limits.max_fields = 64;  // as many as the checker's parser holds
        server.read_header_timeout = std::chrono::seconds(2);
        if (!server.listen()) std::abort();
        std::thread([] { (void)server.serve(); }).detach();
        return server.address().port();
    }();
    return port;
}

// Sends `in`, half-closes, and returns all the server sent until it closed.
std::string converse(std::string_view in) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) std::abort();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    // Reset on close: thousands of connections a second must not pile up in TIME_WAIT.
    const linger reset{1, 0};
    (void)::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    std::size_t sent = 0;
    while (sent < in.size()) {
        const ssize_t n = ::send(fd, in.data() + sent, in.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may close early (an error answer): fine
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    std::string out;
    char buf[16384];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        // why: the server must close once the client has finished; 5 s means it did not.
        if (::poll(&p, 1, 5000) <= 0) std::abort();
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;  // EOF, or a reset after an error answer
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

// For each complete request at the start of `in`, whether it is a HEAD (whose response has no
// body whatever its Content-Length says). Stops at the first request that is incomplete or bad.
std::vector<bool> head_requests(std::string_view in) {
    std::vector<bool> heads;
    std::vector<http::Field> fields(64);
    http::HeadParser parser(http::HeadParser::Kind::request, fields);
    while (!in.empty()) {
        parser.reset();
        const http::ParseResult r = parser.parse(in);
        if (!r.done()) {
            // The error answer to a bad request whose method was read as HEAD has no body.
            std::string_view line = in;  // RFC 9112 §2.2: empty lines (CRLF) come first
            while (line.substr(0, 2) == "\r\n")
                line.remove_prefix(2);
            if (r.failed() && line.substr(0, 5) == "HEAD ") heads.push_back(true);
            break;
        }
        heads.push_back(parser.head().method == "HEAD");
        in.remove_prefix(r.consumed);
        http::BodyReader body;
        body.start(parser.head());
        while (!body.done()) {
            const http::BodyResult b = body.read(in);
            if (b.failed() || b.consumed == 0) return heads;
            in.remove_prefix(b.consumed);
        }
    }
    return heads;
}

// Checks that `out` is a sequence of complete, delimited responses to the requests in `in`.
void check_responses(std::string_view in, std::string_view out) {
    const std::vector<bool> heads = head_requests(in);
    std::size_t finals = 0;  // final (non-1xx) responses seen
    std::vector<http::Field> fields(64);
    http::HeadParser parser(http::HeadParser::Kind::response, fields);
    while (!out.empty()) {
        parser.reset();
        http::ParseResult r = parser.parse(out);
        if (!r.done()) std::abort();  // a malformed or truncated head
        const http::MessageHead& head = parser.head();
        if (head.status < 100 || head.status > 599 || head.version_minor != 1) std::abort();
        std::string_view rest = out.substr(r.consumed);
        const bool interim = head.status < 200 && head.status != 101;
        // A request the checker could not parse gets one answer (an error), then the close.
        if (!interim && finals > heads.size()) std::abort();
        // A HEAD response declares a length it does not send (RFC 9110 §9.3.2).
        if (!interim && finals < heads.size() && heads[finals]) {
            parser.reset();
            parser.set_response_to_head(true);
            r = parser.parse(out);
            rest = out.substr(r.consumed);
        }
        if (!interim) ++finals;
        http::BodyReader body;
        body.start(parser.head());
        while (!body.done()) {
            const http::BodyResult b = body.read(rest);
            if (b.failed()) std::abort();
            rest.remove_prefix(b.consumed);
            if (body.done()) break;
            if (b.consumed == 0) {
                // Only a close-delimited body may end with the input.
                if (parser.head().framing != http::Framing::until_close) std::abort();
                rest = {};
                break;
            }
        }
        // RFC 9112 §9.6: nothing may follow a response that announced the close.
        if (!parser.head().keep_alive && !rest.empty()) std::abort();
        out = rest;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string out = converse({reinterpret_cast<const char*>(data), size});
    check_responses({reinterpret_cast<const char*>(data), size}, out);
    return 0;
}
