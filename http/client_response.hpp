// wire:glue
// Response: what Client returns (Go's http.Response): the status, the header, and the body as a
// stream read from the connection.
//
// Lifetime: the Response owns its connection until the body has been read to the end. Then the
// connection goes back to the client's idle pool if it can carry another request; a Response
// destroyed (or close()d) before its body is finished closes the connection instead, because
// the unread bytes would otherwise be taken for the next response. The Response may outlive
// the Client that made it. One thread at a time may use a Response.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/cookie.hpp"
#include "http/header.hpp"
#include "net/result.hpp"

namespace wire::http {

namespace detail {
class ClientConn;
class ConnPool;
struct BodyDecoder;
}  // namespace detail

class Response {
  public:
    int status_code = 0;      // 200
    std::string status_text;  // "OK", the reason phrase as sent
    std::string proto;        // "HTTP/1.1"
    Header header;
    // The body's length from Content-Length, or -1 when unknown (chunked, until close).
    std::int64_t content_length = -1;
    // The URL this response answered (after redirects), Go's resp.Request.URL.
    std::string url;
    // Go's Uncompressed: the client asked for gzip itself and decodes the body as it is read;
    // Content-Encoding and Content-Length (which described the coded bytes) were removed.
    bool uncompressed = false;

    Response();
    Response(Response&&) noexcept;
    Response& operator=(Response&&) noexcept;
    ~Response();

    // Up to `size` body bytes; 0 at the end of the body. Errors: timeouts (net::Error::timeout),
    // a connection closed early (http::Error::unexpected_eof), bad chunked framing.
    net::Result<std::size_t> read(void* data, std::size_t size);
    // The rest of the body as one string (Go's io.ReadAll(resp.Body)).
    net::Result<std::string> read_all();
    // Gives up on the body; the connection is closed unless the body was already complete.
    void close() noexcept;
    // Whether the body has been read to its end (an empty body is complete at once).
    [[nodiscard]] bool body_complete() const noexcept;
    // The cookies of every Set-Cookie field (RFC 6265 §5.2), Go's Response.Cookies; fields
    // that do not parse are skipped.
    [[nodiscard]] std::vector<Cookie> cookies() const;

    // Go's Status: "200 OK", the code and the reason phrase as sent ("200" when none came).
    [[nodiscard]] std::string status() const;
    // Go's ProtoAtLeast: whether the response's version is at least major.minor.
    [[nodiscard]] bool proto_at_least(int major, int minor) const noexcept;
    // Go's Location: the Location field resolved against `url` (RFC 9110 §10.2.2, RFC 3986
    // §5). Error::bad_location when the field is absent (Go's ErrNoLocation) or does not parse.
    [[nodiscard]] net::Result<std::string> location() const;

  private:
    friend class Client;
    void release() noexcept;  // hands the connection back to the pool or closes it
    net::Result<std::size_t> read_raw(void* data, std::size_t size);
    net::Result<std::size_t> read_decoded(void* data, std::size_t size);
    // Starts decoding a gzip body, producing at most `max_output` bytes.
    void decode_gzip(std::uint64_t max_output);

    std::unique_ptr<detail::ClientConn> conn_;
    std::shared_ptr<detail::ConnPool> pool_;
    std::size_t max_idle_per_host_ = 0;
    std::unique_ptr<detail::BodyDecoder> decoder_;
};

}  // namespace wire::http
