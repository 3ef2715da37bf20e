// wire:glue
// ClientConn: one client connection to a server, the client's half of RFC 9112: it writes a
// request, reads the response head (skipping 1xx interim responses) and then the body, all
// through one read buffer that is reused for every response the connection carries.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "http/body_reader.hpp"
#include "http/field.hpp"
#include "http/parser.hpp"
#include "net/conn.hpp"
#include "net/result.hpp"

namespace wire::http::detail {

class ClientConn {
  public:
    // `key` names the pool it belongs to ("host:port").
    ClientConn(net::Conn conn, std::string key, const ParseOptions& options);
    ClientConn(const ClientConn&) = delete;
    ClientConn& operator=(const ClientConn&) = delete;

    // Sends the head and the body with one writev.
    net::Result<void> write_request(std::string_view head, std::string_view body);

    // Reads the next final response head; interim 1xx responses other than 101 are skipped
    // (RFC 9110 §15.2: a client must be able to parse and ignore them). `to_head` says the
    // request was HEAD, so the response has no body (RFC 9112 §6.3 rule 1). The head's views
    // are valid until the first read_body().
    net::Result<void> read_head(bool to_head);
    [[nodiscard]] const MessageHead& head() const noexcept { return parser_.head(); }

    // Up to `size` body bytes; 0 once the body is complete. Errors: the Conn's (timeouts
    // included) and http::Error for bad framing or an early close.
    net::Result<std::size_t> read_body(void* data, std::size_t size);
    [[nodiscard]] bool body_done() const noexcept { return pending_.empty() && body_.done(); }

    // Whether the connection can carry another request: the body is read to its end, the
    // server did not ask to close (RFC 9112 §9.6), and it sent nothing beyond the response.
    [[nodiscard]] bool reusable() const noexcept;
    // Whether any byte of the response to the last request written arrived (a failure before
    // that on a reused connection is the server closing it while idle: a retry is safe for
    // idempotent requests).
    [[nodiscard]] bool received_any() const noexcept { return received_any_; }

    net::Conn& conn() noexcept { return conn_; }
    [[nodiscard]] const std::string& key() const noexcept { return key_; }

    bool reused = false;  // taken from the idle pool rather than dialled
    std::chrono::steady_clock::time_point idle_since{};

  private:
    [[nodiscard]] std::string_view buffered() const noexcept {
        return {buf_.data() + start_, end_ - start_};
    }
    std::error_code make_room(std::size_t max_size);
    net::Result<std::size_t> fill();

    net::Conn conn_;
    std::string key_;
    ParseOptions options_;
    std::vector<Field> fields_;
    HeadParser parser_;
    BodyReader body_;
    std::vector<char> buf_;
    std::size_t start_ = 0, end_ = 0;  // buf_[start_, end_) is unread
    std::string_view pending_;         // decoded body bytes not handed out yet (in buf_)
    bool closed_by_peer_ = false;
    bool received_any_ = false;
};

}  // namespace wire::http::detail
