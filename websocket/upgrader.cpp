// wire:glue
// Upgrader: checks (handshake.hpp), origin policy, the 101 answer, and the Conn.
#include "websocket/upgrader.hpp"

#include <array>
#include <memory>

#include "http/parser.hpp"
#include "net/error.hpp"
#include "websocket/detail/fields.hpp"
#include "websocket/error.hpp"

namespace wire::websocket {

namespace {

constexpr std::size_t max_request_head = 8 * 1024;

// Closing right after the answer could turn unread request bytes into an RST that destroys the
// answer in flight; a FIN first lets the client read it.
void answer_and_close(net::Conn& conn, std::string_view answer) {
    (void)conn.write(answer);
    (void)conn.shutdown_write();
    char sink[512];
    conn.set_read_deadline(Clock::now() + std::chrono::milliseconds(200));
    for (int i = 0; i < 16; ++i) {
        auto n = conn.read(sink, sizeof sink);
        if (!n || *n == 0) break;
    }
    (void)conn.close();
}

std::string bad_request(std::error_code ec) {
    const std::string body = "malformed HTTP request: " + ec.message() + "\n";
    return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Connection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace

HandshakeCheck Upgrader::prepare(const UpgradeRequest& request, const http::Header& response_header,
                                 std::string& response, std::string& protocol,
                                 std::optional<DeflateParams>* deflate) const {
    // 1. The request itself (RFC 6455 §4.2.1): method, version, Upgrade, Connection, key...
    std::vector<std::string_view> supported(subprotocols.begin(), subprotocols.end());
    ServerHandshakeOptions options;
    options.subprotocols = supported;
    if (enable_compression) options.compression = &compression;
    UpgradeResponse answer;
    HandshakeCheck check = accept_upgrade(request, options, answer);
    if (!check.ok()) return check;
    // 2. RFC 6455 §10.2: a browser says where the page came from; refuse other sites by default.
    const bool origin_ok =
        check_origin ? check_origin(request) : is_same_origin(request.origin, request.host);
    if (!origin_ok) return handshake_failure(Error::handshake_bad_origin);
    // 3. The 101 (RFC 6455 §4.2.2), with the application's extra fields before the blank line.
    response = format_upgrade_response(answer);
    response.resize(response.size() - 2);
    for (std::size_t i = 0; i < response_header.size(); ++i) {
        const http::Field f = response_header[i];
        response.append(f.name).append(": ").append(f.value).append("\r\n");
    }
    response += "\r\n";
    protocol = std::string(answer.protocol);
    if (deflate != nullptr) {
        deflate->reset();
        if (answer.deflate) *deflate = answer.deflate_params;
    }
    return check;
}

namespace {

// The end every entry point shares: the 101 goes out, the Conn takes over the socket.
Result<Conn> finish(const Upgrader& u, net::Conn conn, std::string_view key,
                    const std::string& response, std::string protocol,
                    const std::optional<DeflateParams>& deflate, std::string_view already_read) {
    if (u.handshake_timeout.count() > 0)
        conn.set_write_deadline(Clock::now() + u.handshake_timeout);
    trace_accept(u.trace, key, Direction::sent);
    http::trace_head(u.trace, response, Direction::sent);
    if (auto w = conn.write(response); !w) return w.error();
    conn.set_deadline(net::Conn::no_deadline);
    ConnOptions options;
    options.role = Role::server;
    options.read_buffer_size = u.read_buffer_size;
    options.write_buffer_size = u.write_buffer_size;
    options.write_buffer_pool = u.write_buffer_pool;
    options.read_limit = u.read_limit;
    options.already_read = already_read;
    options.subprotocol = std::move(protocol);
    options.trace = u.trace;
    options.deflate = deflate;
    options.compression = u.compression;
    return Conn(std::move(conn), std::move(options));
}

}  // namespace

Result<Conn> Upgrader::upgrade_parsed(net::Conn conn, const UpgradeRequest& request,
                                      std::string_view already_read,
                                      const http::Header& response_header) const {
    if (handshake_timeout.count() > 0) conn.set_deadline(Clock::now() + handshake_timeout);
    std::string response, protocol;
    std::optional<DeflateParams> deflate;
    const HandshakeCheck check = prepare(request, response_header, response, protocol, &deflate);
    if (!check.ok()) {
        const std::string answer = format_error_response(check);
        http::trace_head(trace, answer, Direction::sent);
        answer_and_close(conn, answer);
        return check.error;
    }
    return finish(*this, std::move(conn), request.key, response, std::move(protocol), deflate,
                  already_read);
}

Result<Conn> Upgrader::upgrade(http::ResponseWriter& w, http::Request& r,
                               const http::Header& response_header) const {
    // 1. Check before hijacking, so a refusal is an ordinary HTTP response from the server.
    detail::JoinedUpgradeLists lists;
    const UpgradeRequest request =
        detail::upgrade_request_of(r.method, r.proto_minor, r.host, r.header, lists);
    std::string response, protocol;
    std::optional<DeflateParams> deflate;
    const HandshakeCheck check = prepare(request, response_header, response, protocol, &deflate);
    if (!check.ok()) {
        // The fields the status needs (Allow for 405; Upgrade for 426, RFC 9110 §15.5.22) are
        // set before the error callback runs, as gorilla sets Sec-WebSocket-Version.
        for (const HandshakeField& f : check.fields)
            w.header().set(f.name, f.value);
        if (error) {
            error(w, r, check.status, check.error);
        } else {
            w.header().set("Content-Type", "text/plain; charset=utf-8");
            w.write_header(check.status);
            (void)w.write(check.body);
        }
        return check.error;
    }
    // 2. Take the connection; bytes the server read past the request are the first frames.
    auto hijacked = w.hijack();
    if (!hijacked) return hijacked.error();
    const std::string already_read(hijacked->reader->buffered());
    return finish(*this, std::move(*hijacked->conn), request.key, response, std::move(protocol),
                  deflate, already_read);
}

Result<Conn> Upgrader::upgrade_connection(net::Conn conn, std::string* target) const {
    if (handshake_timeout.count() > 0) conn.set_deadline(Clock::now() + handshake_timeout);
    // 1. Read the request head (RFC 9112 §2.1) into one buffer; what follows it stays there.
    auto buf = std::make_unique_for_overwrite<char[]>(max_request_head);
    std::size_t len = 0;
    std::array<http::Field, 64> fields;
    http::HeadParser parser(http::HeadParser::Kind::request, fields);
    std::size_t head_len = 0;
    for (;;) {
        const auto r = parser.parse({buf.get(), len});
        if (r.done()) {
            head_len = r.consumed;
            break;
        }
        if (r.failed() || len == max_request_head) {
            const http::Error e = r.failed() ? r.error : http::Error::head_too_large;
            http::trace_head(trace, {buf.get(), len}, Direction::received);  // where it broke
            const std::string answer = bad_request(http::make_error_code(e));
            http::trace_head(trace, answer, Direction::sent);
            answer_and_close(conn, answer);
            return http::make_error_code(e);
        }
        auto n = conn.read(buf.get() + len, max_request_head - len);
        if (!n) return n.error();
        if (*n == 0) return net::Error::unexpected_eof;
        len += *n;
    }
    http::trace_head(trace, {buf.get(), head_len}, Direction::received);
    // 2. The fields the handshake looks at; list fields joined as RFC 9110 §5.3 allows.
    const http::MessageHead& head = parser.head();
    if (target != nullptr) *target = std::string(head.target);
    detail::JoinedUpgradeLists lists;
    const UpgradeRequest request =
        detail::upgrade_request_of(head.method, head.version_minor, head.host, head.fields, lists);
    return upgrade_parsed(std::move(conn), request, {buf.get() + head_len, len - head_len});
}

}  // namespace wire::websocket
