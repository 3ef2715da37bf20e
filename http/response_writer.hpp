// ResponseWriter: how a handler builds its response, Go's http.ResponseWriter with its optional
// Flusher and Hijacker faces folded in.
// wire:glue
//
// Go's semantics, rule by rule:
//   - header() is the response header; changes after the head was sent have no effect.
//   - write_header(code) sends the status. Calling it again is ignored. 1xx codes other than
//     101 are interim responses (RFC 9110 §15.2) sent at once; the handler then sends a final one.
//   - write() without write_header() first means 200 OK (the implicit 200).
//   - Without a Content-Type, the first 512 bytes written are sniffed for one (WHATWG MIME
//     sniffing, as Go's DetectContentType), unless nothing was written.
//   - Output gathers in a buffer. If the handler's whole output fits it, the response carries
//     Content-Length; otherwise the head goes out when the buffer fills, with
//     "Transfer-Encoding: chunked" (HTTP/1.1) or a close-delimited body (HTTP/1.0).
//   - HEAD, 1xx, 204 and 304 responses carry no body (RFC 9110 §9.3.2, §15): writes for HEAD are
//     counted and dropped, writes for 1xx/204/304 fail with ServerError::body_not_allowed.
//   - flush() sends what is buffered now (Go's http.Flusher).
//   - hijack() hands the connection to the handler (Go's http.Hijacker); upgrade_on_loop() hands
//     it to another protocol that stays on the same event loop.
//
// A ResponseWriter is valid only during Handler::serve(), on the thread that called it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/header.hpp"
#include "http/server_error.hpp"
#include "net/buffered_reader.hpp"
#include "net/buffered_writer.hpp"
#include "net/conn.hpp"
#include "net/event_loop.hpp"
#include "net/result.hpp"
#include "net/socket.hpp"

namespace wire::http {

// What hijack() returns: the connection, now the handler's, with buffered reader and writer
// over it. `reader` already holds the bytes the server had read past this request (a pipelined
// request, the first bytes of a new protocol); read through it, never around it. The server
// never touches the socket again; closing it is the new owner's job (dropping `conn` does).
// The members are heap objects because the reader and writer keep a reference to `conn`.
struct Hijacked {
    std::unique_ptr<net::Conn> conn;
    std::unique_ptr<net::BufferedReader> reader;
    std::unique_ptr<net::BufferedWriter> writer;
};

// What upgrade_on_loop() hands over (advanced; the event-driven WebSocket mode uses it). The
// socket is non-blocking and no longer registered with `loop`: the new owner registers it with
// loop->add() from the callback, which runs on that loop's thread. `already_read` holds the
// bytes received after the request (the new protocol's first bytes). From then on the server
// knows nothing of the connection: it does not count it, time it out, or close it on shutdown
// (use Server::register_on_shutdown for that).
struct LoopUpgrade {
    net::Socket socket;
    net::EventLoop* loop = nullptr;
    std::string already_read;
};
using UpgradeCallback = std::function<void(LoopUpgrade&&)>;

class ResponseWriter {
  public:
    virtual Header& header() = 0;
    virtual void write_header(int status) = 0;
    // Returns data.size() when accepted; an error (body_not_allowed, hijacked, a connection
    // error) otherwise.
    virtual net::Result<std::size_t> write(std::string_view data) = 0;
    net::Result<std::size_t> write(const void* data, std::size_t size) {
        return write(std::string_view(static_cast<const char*>(data), size));
    }

    // Go's Flusher: sends the head (if not sent yet) and whatever body is buffered. After a
    // flush the length is unknown, so the response is chunked (or close-delimited, HTTP/1.0).
    virtual net::Result<void> flush() = 0;

    // Go's Hijacker: takes the connection off the server. Call it before writing anything (a
    // 101 or other response is then the handler's to write through the returned writer).
    // Responses to earlier pipelined requests are sent first. The connection leaves its event
    // loop: use it from a thread of your own (net::Conn blocks).
    virtual net::Result<Hijacked> hijack() { return ServerError::not_supported; }

    // Advanced: after the handler returns and this response (typically a 101 written with
    // write_header) has been sent, the server unregisters the socket and calls `take` on the
    // connection's loop thread with the socket, the loop and the bytes already read. The handler
    // must not write a body. Fails with ServerError::not_supported when handlers run on worker
    // threads, already_hijacked when called twice.
    virtual net::Result<void> upgrade_on_loop(UpgradeCallback /*take*/) {
        return ServerError::not_supported;
    }

    // What was sent so far, for logging and middleware: the status (0 until write_header or the
    // first write) and the body bytes the handler wrote.
    [[nodiscard]] virtual int status() const noexcept = 0;
    [[nodiscard]] virtual std::uint64_t bytes_written() const noexcept = 0;

  protected:
    ~ResponseWriter() = default;
};

struct Cookie;  // http/cookie.hpp

// Adds a Set-Cookie field for `c` to w.header() (Go's http.SetCookie; RFC 6265 §4.1). A cookie
// whose name is not a token is dropped, as Go drops it. Call it before the first write.
void set_cookie(ResponseWriter& w, const Cookie& c);

}  // namespace wire::http
