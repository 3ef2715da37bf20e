// ResponseImpl: the server's ResponseWriter. It renders the response into the exchange's output
// arena (one per loop or worker, reused, so a steady stream of responses allocates nothing);
// the connection sends the arena with one write per batch of requests.
// wire:glue
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/header.hpp"
#include "http/response_writer.hpp"
#include "http/serializer.hpp"

namespace wire::http {
class Request;
}

namespace wire::http::detail {

class ServerConn;
struct Exchange;

class ResponseImpl final : public ResponseWriter {
  public:
    // Starts the response to `r` on `conn`. `must_close`: the connection closes after it.
    void begin(ServerConn* conn, Exchange& ex, const Request& r, bool must_close);

    // After write_header() the header is frozen: changes land in a scratch copy (Go's rule).
    Header& header() override { return status_ != 0 ? scratch_ : header_; }
    void write_header(int status) override;
    net::Result<std::size_t> write(std::string_view data) override;
    net::Result<void> flush() override;
    net::Result<Hijacked> hijack() override;
    net::Result<void> upgrade_on_loop(UpgradeCallback take) override;
    int status() const noexcept override { return status_; }
    std::uint64_t bytes_written() const noexcept override { return written_; }

    // After the handler returned: completes the response in the arena.
    void finish();
    // The handler threw: a 500 if nothing was sent, and the connection closes either way.
    void fail();
    // Whether the head was rendered (the status can no longer change).
    [[nodiscard]] bool committed() const noexcept { return committed_; }
    // Whether the connection must close after this response.
    [[nodiscard]] bool closing() const noexcept { return close_; }
    [[nodiscard]] bool hijacked() const noexcept { return hijacked_; }
    [[nodiscard]] bool upgrading() const noexcept { return static_cast<bool>(upgrade_); }
    UpgradeCallback take_upgrade() noexcept { return std::move(upgrade_); }
    void set_closing() noexcept { close_ = true; }
    // "100 Continue" into the arena, unless the final response has started (RFC 9110 §10.1.1).
    bool write_continue();

  private:
    [[noreturn]] static void invalid_status(int status);
    void write_interim(int status);
    void adopt_content_length();  // a Content-Length the handler set, checked
    void commit(bool length_known);
    void emit(std::string_view data);
    [[nodiscard]] bool body_allowed() const noexcept;

    ServerConn* conn_ = nullptr;
    Exchange* ex_ = nullptr;
    Serializer* out_ = nullptr;
    Header header_;
    Header scratch_;
    std::string buffered_;  // body bytes not rendered yet (before commit)
    std::uint64_t written_ = 0;
    std::int64_t declared_ = -1;  // a Content-Length the handler set
    std::size_t buffer_limit_ = 4096;
    UpgradeCallback upgrade_;
    int status_ = 0;
    int version_minor_ = 1;
    bool committed_ = false;
    bool chunked_ = false;
    bool head_ = false;  // the request was HEAD
    bool close_ = false;
    bool hijacked_ = false;
};

}  // namespace wire::http::detail
