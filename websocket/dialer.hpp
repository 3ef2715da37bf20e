// wire:glue
// Dialer: the client side of the opening handshake (RFC 6455 §4.1), gorilla's Dialer in C++.
//
//     websocket::Dialer dialer;                  // defaults: 45 s handshake timeout, no proxy
//     dialer.subprotocols = {"chat"};
//     websocket::HandshakeResponse response;     // filled in on success and on failure
//     auto conn = dialer.dial("ws://127.0.0.1:8080/echo", {}, &response);
//     if (!conn) { /* conn.error(); response.status, response.body say what the server said */ }
//
// Only ws:// (no TLS in wire yet: wss:// is Error::unsupported_scheme). An HTTP proxy is reached
// with CONNECT (RFC 9110 §9.3.6) before the handshake, as gorilla does for http:// proxies.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/header.hpp"
#include "net/result.hpp"
#include "websocket/conn.hpp"
#include "websocket/trace.hpp"

namespace wire::websocket {

// A ws:// URL taken apart: "ws://example.com:9000/chat?room=1".
struct WsUrl {
    std::string host;       // "example.com", "::1" (without brackets)
    std::uint16_t port;     // 80 when absent
    std::string target;     // "/chat?room=1": the request-target, "/" when the path is empty
    std::string authority;  // the Host header value: host, with ":port" unless it is 80
    [[nodiscard]] std::string host_port() const;  // "example.com:9000", "[::1]:80"
};

// Errors: Error::bad_url (no "//", empty host, bad port, a fragment), Error::unsupported_scheme.
[[nodiscard]] Result<WsUrl> parse_ws_url(std::string_view url);

// The server's answer to the upgrade request, or the proxy's to CONNECT when that failed:
// gorilla's *http.Response. The body is kept up to 1024 bytes, for error messages.
struct HandshakeResponse {
    int status = 0;
    std::string reason;
    http::Header header;
    std::string body;
};

struct Dialer {
    // The whole opening handshake, connect and proxy included, must finish within this time.
    std::chrono::milliseconds handshake_timeout = std::chrono::seconds(45);
    std::size_t read_buffer_size = 4096;
    std::size_t write_buffer_size = 4096;
    // gorilla's WriteBufferPool: share write buffers among connections (see conn.hpp).
    std::shared_ptr<WriteBufferPool> write_buffer_pool;
    std::uint64_t read_limit = 16 * 1024 * 1024;
    // Offered in Sec-WebSocket-Protocol, in order of preference; the server may pick one.
    std::vector<std::string> subprotocols;
    // "http://[user:password@]host:port" or "host:port"; empty means a direct connection.
    // User information becomes "Proxy-Authorization: Basic ..." (RFC 7617).
    std::string proxy;
    http::Header proxy_header;  // extra fields of the CONNECT request
    // gorilla's EnableCompression: offer permessage-deflate (RFC 7692), the preferred parameters
    // of `compression` first and a plain offer after. An answer that fits neither fails dial().
    bool enable_compression = false;
    CompressionOptions compression;
    // Trace mode (websocket/trace.hpp): the upgrade request sent, the answer's head received,
    // the check of its Sec-WebSocket-Accept against the key, then every frame of the Conn.
    // Starts as standard error when WIRE_TRACE is set; empty: off.
    TraceSink trace = default_trace_sink();

    // Connects, sends the upgrade request with `header`'s extra fields (Origin, Cookie,
    // Authorization...; the handshake's own fields may not be set there: Error::duplicate_header),
    // checks the answer (RFC 6455 §4.1) and returns the Conn. `response`, when given, receives
    // the server's answer, also when it refused the upgrade.
    [[nodiscard]] Result<Conn> dial(std::string_view url, const http::Header& header = {},
                                    HandshakeResponse* response = nullptr) const;
};

}  // namespace wire::websocket
