// wire:glue
// Client: an HTTP/1.1 client in the shape of Go's http.Client (with its Transport folded in):
// get / head / post / post_form / do_request, keep-alive connections reused per host, redirects
// followed per RFC 9110 §15.4, and timeouts for dialling, for the response head and for the
// whole exchange.
//
//   wire::http::Client client;
//   client.timeout = std::chrono::seconds(5);
//   auto resp = client.get("http://127.0.0.1:8080/hello");
//   if (!resp) return resp.error();                 // errors are values
//   auto body = resp->read_all();                   // the connection then goes back to the pool
//
// Thread safety: a Client may be used by several threads at once once configured (its idle
// pool is locked); change its settings only before sharing it. Calls block the calling thread:
// do not call them from an event-loop handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/client_response.hpp"
#include "http/cookie.hpp"
#include "http/cookie_jar.hpp"
#include "http/header.hpp"
#include "http/limits.hpp"
#include "http/trace.hpp"
#include "http/values.hpp"
#include "net/result.hpp"

namespace wire::http {

namespace detail {
class ClientConn;
class ConnPool;
}  // namespace detail

// A request to send (Go's http.Request as a client uses it). `url` is absolute: "http://host[:port]
// /path?query". `body` is held in memory, so it can be sent again after a 307/308 redirect.
struct ClientRequest {
    std::string method = "GET";
    std::string url;
    Header header;
    std::string body;

    // Go's AddCookie: appends "name=value" to the one Cookie field (RFC 6265 §5.4 wants a
    // single field); a cookie whose name is not a token is not added.
    void add_cookie(const Cookie& c);
    // Go's SetBasicAuth: "Authorization: Basic base64(username:password)" (RFC 7617 §2). The
    // username must not hold a colon (RFC 7617 §2); it is sent as given.
    void set_basic_auth(std::string_view username, std::string_view password);
};

// Go's NewRequest: a request with its method and URL checked now rather than when sent.
// `method` "" means GET. Errors: Error::bad_method when the method is not a token (RFC 9110
// §9.1), the URL's parse error, Error::unsupported_scheme for a scheme other than http,
// Error::bad_url without a host.
net::Result<ClientRequest> new_request(std::string_view method, std::string_view url,
                                       std::string body = {});

class Client {
  public:
    // Go's CheckRedirect: called before following a redirect with the request about to be sent
    // and how many redirects were already followed (0 for the first). Return no error to
    // follow, Error::use_last_response to return the redirect response itself, or any other
    // error to stop with it.
    using CheckRedirect = std::function<std::error_code(const ClientRequest& next, int followed)>;

    Client();
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // ---- settings (Go's Client and Transport fields); zero durations mean "no limit"
    std::chrono::milliseconds timeout{0};  // the whole exchange, reading the body included
    std::chrono::milliseconds dial_timeout{30000};
    std::chrono::milliseconds response_header_timeout{0};  // from the request sent to the head
    std::chrono::milliseconds idle_timeout{90000};  // an idle pooled connection is dropped after
    std::size_t max_idle_per_host = 2;              // Go's DefaultMaxIdleConnsPerHost
    bool disable_keep_alives = false;  // "Connection: close" and one connection per request
    // Go's Transport rule: unless this is set, a request without Accept-Encoding, Range or the
    // HEAD method asks for "gzip", and a gzip body is decoded before the caller sees it
    // (Response::uncompressed). The decoded bytes count against limits.max_body.
    bool disable_compression = false;
    int max_redirects = 10;
    CheckRedirect check_redirect;  // null: follow up to max_redirects
    std::string user_agent = "wire";
    // Null: no cookies are kept, as Go's nil Jar (a Cookie field set by the caller still goes).
    // http/memory_cookie_jar.hpp has Go's net/http/cookiejar: client.jar =
    // std::make_shared<MemoryCookieJar>(). Asked on every hop of a redirect (Go's Client.send).
    std::shared_ptr<CookieJar> jar;
    // Response parsing limits; the body limit is off by default (a client downloads what it
    // asked for) and applies only to bodies delimited by the connection closing.
    Limits limits = client_limits();
    // Trace mode (http/trace.hpp): each request head sent and response head received. Starts
    // as standard error when WIRE_TRACE is set; empty: off.
    TraceSink trace = default_trace_sink();

    net::Result<Response> get(std::string_view url);
    net::Result<Response> head(std::string_view url);
    net::Result<Response> post(std::string_view url, std::string_view content_type,
                               std::string body);
    // POST with an application/x-www-form-urlencoded body (Go's PostForm).
    net::Result<Response> post_form(std::string_view url, const Values& form);
    // Sends `request`, following redirects (Go's Client.Do; "do" is a C++ keyword).
    net::Result<Response> do_request(ClientRequest request);

    // Closes every idle connection (Go's CloseIdleConnections).
    void close_idle_connections();
    [[nodiscard]] std::size_t idle_connections() const;

  private:
    static Limits client_limits() noexcept;
    using TimePoint = std::chrono::steady_clock::time_point;
    net::Result<Response> send_once(const ClientRequest& request, TimePoint deadline);
    net::Result<Response> send_with_jar(const ClientRequest& request, TimePoint deadline);
    net::Result<std::unique_ptr<detail::ClientConn>> connect(const std::string& key,
                                                             TimePoint deadline);
    net::Result<Response> exchange(std::unique_ptr<detail::ClientConn>& conn,
                                   const ClientRequest& request, std::string_view head,
                                   TimePoint deadline, bool asked_gzip);

    std::shared_ptr<detail::ConnPool> pool_;
};

// Go's http.DefaultClient, and through it Go's package-level http.Get, Head, Post and
// PostForm: default_client().get(url). It is created on first use with the default settings
// and never destroyed (a Response may outlive main's locals). Configure it before sharing it
// between threads, as any Client. Why no free get(url): with `using namespace wire::http` a
// function named get or head collides with the program's own helpers of those names (this
// repository's tests hit it at once); the one extra call keeps that name space quiet.
Client& default_client();

}  // namespace wire::http
