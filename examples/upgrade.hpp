// upgrade.hpp: gorilla's upgrader.Upgrade(w, r, nil) for wire's http::Server handlers, plus the
// handshake's trace.
//
//   auto conn = example::upgrade(upgrader, w, r);   // Result<websocket::Conn>
//   if (!conn) return;   // the client already got the HTTP error (400, 403, 426...)
//
// Upgrader::upgrade(w, r) does the work: it takes the handshake fields (RFC 6455 §4.2.1) from
// the parsed request, hijacks the connection, writes "101 Switching Protocols" (or the error)
// and wraps the socket in a websocket::Conn, handing over any bytes the server had already read
// past the request. This wrapper adds what the examples promise with WIRE_TRACE=1: how the
// 101's Sec-WebSocket-Accept follows from the client's key (RFC 6455 §4.2.2).
// The Conn blocks: use it from a thread of your own (session_group.hpp), never from the handler.
#pragma once

#include "http/header.hpp"
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
    namespace ws = wire::websocket;
    const auto key = r.header.get("Sec-WebSocket-Key");
    if (ws::trace_enabled() && !key.empty()) {
        ws::trace_write(ws::describe_accept(key, ws::Direction::sent));
    }
    return upgrader.upgrade(w, r, response_header);
}

}  // namespace example
