// wire:glue
// Upgrader: the server side of the opening handshake (RFC 6455 §4.2), gorilla's Upgrader in C++:
// a config struct with safe defaults. Every failed check is answered with the right status and a
// body that names the header and the fix (websocket/handshake.hpp decides both).
//
// Safer than gorilla's defaults: check_origin, when unset, allows only same-origin browser
// requests (gorilla's default too; the snippets that set it to "allow all" open the server to
// cross-site WebSocket hijacking, RFC 6455 §10.2), and reads are limited to 16 MiB per message.
//
// Two ways in:
//  - upgrade_connection(conn): a thread-per-connection server without http::Server reads the
//    request head from a freshly accepted connection itself (examples/ws_echo_server.cpp).
//  - upgrade(w, r, response_header): inside an http::Handler (hijacks the connection).
// Both end in upgrade_parsed(), which also serves servers that parse requests their own way.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/header.hpp"
#include "http/request.hpp"
#include "http/response_writer.hpp"
#include "net/conn.hpp"
#include "net/result.hpp"
#include "websocket/conn.hpp"
#include "websocket/handshake.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

struct Upgrader {
    // The whole handshake (reading the request in upgrade_connection, writing the 101) must
    // finish within this time; zero means no limit (gorilla's default).
    std::chrono::milliseconds handshake_timeout{0};
    std::size_t read_buffer_size = 4096;
    std::size_t write_buffer_size = 4096;
    // gorilla's WriteBufferPool: share write buffers among connections (see conn.hpp).
    std::shared_ptr<WriteBufferPool> write_buffer_pool;
    std::uint64_t read_limit = 16 * 1024 * 1024;  // the Conn's read limit (set_read_limit)
    // Supported subprotocols in order of preference; the first one the client offered wins.
    std::vector<std::string> subprotocols;
    // true when the request may proceed. Unset: is_same_origin(origin, host) (RFC 6455 §10.2).
    std::function<bool(const UpgradeRequest&)> check_origin;
    // gorilla's Error callback, for upgrade(): writes the failure answer through `w`, whose
    // header already holds the fields the status requires (405: Allow; 426: Upgrade,
    // Connection and Sec-WebSocket-Version). Unset: the status, those fields and a text body
    // naming the header and the fix. (upgrade_connection always answers that way.)
    std::function<void(http::ResponseWriter& w, http::Request& r, int status,
                       std::error_code reason)>
        error;
    // gorilla's EnableCompression: negotiate permessage-deflate (RFC 7692) when the client
    // offers it; the Conn then compresses what it sends (Conn::enable_write_compression turns
    // that off per connection) and inflates what it receives. A malformed
    // Sec-WebSocket-Extensions is answered 400.
    bool enable_compression = false;
    // The server's preferences: windows, context takeover, level, threshold (deflate_params.hpp).
    CompressionOptions compression;
    // Trace mode (websocket/trace.hpp): the request head (upgrade_connection only: in upgrade()
    // the http::Server read it and traces it itself), how Sec-WebSocket-Accept follows from the
    // key, the 101 or the failure answer, then every frame of the Conn. Starts as standard error
    // when WIRE_TRACE is set; empty: off.
    TraceSink trace = default_trace_sink();

    // Inside an http::Handler: checks the request, answers a failure through `w` (returning the
    // error), or hijacks the connection, writes the 101 with `response_header`'s extra fields
    // (Set-Cookie...) and returns the Conn. The Conn blocks: handlers run on the server's event
    // loop, so hand it to a thread of your own (or set Server::worker_threads):
    //
    //     mux.handle_func("/ws", [&](http::ResponseWriter& w, http::Request& r) {
    //         auto conn = upgrader.upgrade(w, r);
    //         if (!conn) return;                       // the client has its answer already
    //         std::thread(echo, std::move(*conn)).detach();
    //     });
    [[nodiscard]] Result<Conn> upgrade(http::ResponseWriter& w, http::Request& r,
                                       const http::Header& response_header = {}) const;

    // Reads an HTTP/1.1 upgrade request from `conn` and completes the handshake; on failure the
    // answer has been written and the connection closed. Bytes the client sent after the request
    // (its first frames) are kept for the Conn.
    // `target`, when given, receives the request-target ("/chat?room=1") for routing.
    [[nodiscard]] Result<Conn> upgrade_connection(net::Conn conn,
                                                  std::string* target = nullptr) const;

    // The handshake for a request whose head is already parsed into `request`; `already_read`
    // holds bytes after it. Writes the 101 (with `response_header`'s fields) or the failure.
    [[nodiscard]] Result<Conn> upgrade_parsed(net::Conn conn, const UpgradeRequest& request,
                                              std::string_view already_read,
                                              const http::Header& response_header = {}) const;

    // The checks and the 101 response text, no I/O: what both entry points share. `deflate`,
    // when given, receives the permessage-deflate agreement (reset when none).
    [[nodiscard]] HandshakeCheck prepare(const UpgradeRequest& request,
                                         const http::Header& response_header, std::string& response,
                                         std::string& protocol,
                                         std::optional<DeflateParams>* deflate = nullptr) const;
};

}  // namespace wire::websocket
