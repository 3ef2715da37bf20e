// BodySource: where a Request's Body gets the raw bytes of the message body. The server's
// connection implements it over its receive buffer; tests can implement it over a string.
// wire:glue
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

namespace wire::http::detail {

class BodySource {
  public:
    // Raw (still framed) bytes received after what was consumed so far; valid until fill().
    virtual std::string_view available() noexcept = 0;
    virtual void consume(std::size_t n) noexcept = 0;
    // Waits until more bytes are buffered (this may block: see Request::body() for when);
    // net::Error::unexpected_eof when the peer closed, a timeout error past the read deadline.
    virtual std::error_code fill() = 0;
    // Called once, before the first read: time to send "100 Continue" if the client asked.
    virtual void on_first_read() {}

  protected:
    ~BodySource() = default;
};

}  // namespace wire::http::detail
