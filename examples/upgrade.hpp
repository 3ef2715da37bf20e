// upgrade.hpp: gorilla's upgrader.Upgrade(w, r, nil) for wire's http::Server handlers.
//
//   auto conn = example::upgrade(upgrader, w, r);   // Result<websocket::Conn>
//   if (!conn) return;   // the client already got the HTTP error (400, 403, 426...)
//
// The three steps of an upgrade inside an HTTP server:
//   1. take the request's handshake fields (RFC 6455 §4.2.1) from the parsed request;
//   2. hijack the connection: from now on the socket is ours, not the server's;
//   3. let the Upgrader check the fields and write "101 Switching Protocols" (or the error), and
//      wrap the socket in a websocket::Conn, with the bytes the server had already read past the
//      request (a fast client's first frames) handed over first.
// The Conn blocks: use it from a thread of your own (session_group.hpp), never from the handler.
#pragma once

#include <string>

#include "http/handlers.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "net/result.hpp"
#include "websocket/conn.hpp"
#include "websocket/trace.hpp"
#include "websocket/upgrader.hpp"

namespace example {

inline wire::net::Result<wire::websocket::Conn> upgrade(
    const wire::websocket::Upgrader& upgrader, wire::http::ResponseWriter& w,
    wire::http::Request& r, const wire::http::Header& response_header = {}) {
    // 1. The handshake fields. The views point into the connection's buffer, which stays put
    //    until this handler returns.
    wire::websocket::UpgradeRequest request;
    request.method = r.method;
    request.http_version = r.proto();
    request.host = r.host;
    request.upgrade = r.header.get("Upgrade");
    request.connection = r.header.get("Connection");
    request.version = r.header.get("Sec-WebSocket-Version");
    request.key = r.header.get("Sec-WebSocket-Key");
    request.protocol = r.header.get("Sec-WebSocket-Protocol");
    request.extensions = r.header.get("Sec-WebSocket-Extensions");
    request.origin = r.header.get("Origin");
    // 2. Hijack (fails if the handler has already written a response).
    auto hijacked = w.hijack();
    if (!hijacked) {
        wire::http::error(w, "websocket: cannot take over the connection", 500);
        return hijacked.error();
    }
    const std::string already_read(hijacked->reader->buffered());
    // WIRE_TRACE=1: how our 101's Sec-WebSocket-Accept follows from the key (RFC 6455 §4.2.2).
    if (wire::websocket::trace_enabled() && !request.key.empty()) {
        wire::websocket::trace_write(
            wire::websocket::describe_accept(request.key, wire::websocket::Direction::sent));
    }
    // 3. The Upgrader answers (101 or the error) and builds the Conn.
    return upgrader.upgrade_parsed(std::move(*hijacked->conn), request, already_read,
                                   response_header);
}

}  // namespace example
