// wire:glue
// The single exchange behind Client::do_request: pick or dial a connection, write the request,
// read the response head (RFC 9112), and hand the connection to the Response.
#include <charconv>

#include "http/client.hpp"
#include "http/detail/chars.hpp"
#include "http/detail/client_conn.hpp"
#include "http/detail/conn_pool.hpp"
#include "http/error.hpp"
#include "http/method.hpp"
#include "http/serializer.hpp"
#include "http/url.hpp"
#include "net/dial.hpp"

namespace wire::http {
namespace {

using Clock = std::chrono::steady_clock;

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
    }
    return true;
}

// Where a request goes: the pool key and dial address, the Host value, the request-target.
struct Target {
    std::string key;     // "host:port", port defaulted to 80
    std::string host;    // the Host field: host[:port] as written in the URL (RFC 9110 §7.2)
    std::string target;  // origin-form: path [ "?" query ]  (RFC 9112 §3.2.1)
};

std::error_code parse_target(std::string_view url, Target& out) {
    UrlView u;
    if (auto ec = parse_url(url, u)) return ec;
    // Why: without TLS only http:// can be spoken honestly.
    if (!iequal(u.scheme, "http")) return Error::unsupported_scheme;
    // Why: RFC 9110 §4.2.1: an http URI with an empty host is invalid.
    if (u.host.empty()) return Error::bad_url;
    out.key = std::string(u.host) + ":" + std::string(u.port.empty() ? "80" : u.port);
    out.host = std::string(u.host);
    if (!u.port.empty() && u.port != "80") out.host += ":" + std::string(u.port);
    out.target = u.path.empty() ? "/" : std::string(u.path);
    if (u.has_query) out.target += "?" + std::string(u.query);
    return {};
}

// The fields framing and the connection are managed here; the caller's copies are not sent.
bool managed_field(std::string_view name) {
    return iequal(name, "Host") || iequal(name, "Content-Length") ||
           iequal(name, "Transfer-Encoding") || iequal(name, "Connection");
}

Clock::time_point earliest(Clock::time_point a, Clock::time_point b) {
    if (a == Clock::time_point{}) return b;
    if (b == Clock::time_point{}) return a;
    return std::min(a, b);
}

std::int64_t content_length_of(const MessageHead& head) {
    if (head.framing == Framing::content_length) {
        return static_cast<std::int64_t>(head.content_length);
    }
    if (head.framing == Framing::until_close || head.framing == Framing::chunked) return -1;
    // No body (HEAD, 204, 304): report the length the field announces, as Go does.
    const std::string_view v = head.fields.get("Content-Length");
    std::int64_t n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    return r.ec == std::errc{} && r.ptr == v.data() + v.size() ? n : 0;
}

}  // namespace

net::Result<std::unique_ptr<detail::ClientConn>> Client::connect(const std::string& key,
                                                                 TimePoint deadline) {
    if (!disable_keep_alives) {
        if (auto c = pool_->take(key, idle_timeout)) return c;
    }
    auto dial_deadline =
        earliest(deadline, dial_timeout.count() > 0 ? Clock::now() + dial_timeout : TimePoint{});
    std::chrono::milliseconds budget{0};
    if (dial_deadline != TimePoint{}) {
        budget = std::chrono::ceil<std::chrono::milliseconds>(dial_deadline - Clock::now());
        if (budget.count() <= 0) return net::Error::timeout;
    }
    auto conn = net::dial(key, budget);
    if (!conn) return conn.error();
    ParseOptions options;
    options.limits = limits;
    return std::make_unique<detail::ClientConn>(std::move(*conn), key, options);
}

net::Result<Response> Client::send_once(const ClientRequest& req, TimePoint deadline) {
    Target t;
    if (auto ec = parse_target(req.url, t)) return ec;
    // Why: a method is a token (RFC 9110 §9.1); anything else would break the request line.
    if (req.method.empty() || req.method.find_first_of(" \t\r\n") != std::string::npos) {
        return Error::bad_method;
    }
    Serializer s;
    s.request_line(req.method, t.target);
    s.field("Host", req.header.has("Host") ? req.header.get("Host") : std::string_view(t.host));
    if (!req.header.has("User-Agent") && !user_agent.empty()) s.field("User-Agent", user_agent);
    // RFC 9110 §8.6: a POST, PUT or PATCH says its length even when it is zero.
    const Method m = method_from(req.method);
    if (!req.body.empty() || m == Method::post || m == Method::put || m == Method::patch) {
        s.content_length(req.body.size());
    }
    if (disable_keep_alives) s.field("Connection", "close");
    // Go's Transport: ask for gzip only when the caller said nothing about codings, never for
    // HEAD (no body to decode) or a Range (the ranges would address the coded bytes).
    const bool ask_gzip = !disable_compression && !req.header.has("Accept-Encoding") &&
                          req.method != "HEAD" && !req.header.has("Range");
    if (ask_gzip) s.field("Accept-Encoding", "gzip");
    for (std::size_t i = 0; i < req.header.size(); ++i) {
        const Field f = req.header[i];
        if (!managed_field(f.name)) s.field(f.name, f.value);
    }
    s.end_head();

    // A pooled connection the server closed while it sat idle fails before any response byte;
    // an idempotent request is then sent once more on a fresh connection (RFC 9110 §9.2.2).
    for (int attempt = 0;; ++attempt) {
        auto conn = connect(t.key, deadline);
        if (!conn) return conn.error();
        const bool reused = (*conn)->reused;
        auto resp = exchange(*conn, req, s.data(), deadline, ask_gzip);
        if (resp) {
            resp->url = req.url;
            return resp;
        }
        const bool stale = reused && !(*conn)->received_any();
        if (!stale || attempt > 0 || !is_idempotent(m)) return resp.error();
    }
}

net::Result<Response> Client::exchange(std::unique_ptr<detail::ClientConn>& conn,
                                       const ClientRequest& req, std::string_view head,
                                       TimePoint deadline, bool asked_gzip) {
    net::Conn& c = conn->conn();
    c.set_deadline(deadline);
    trace_head(trace, head, Direction::sent);
    if (auto w = conn->write_request(head, req.body); !w) return w.error();
    if (response_header_timeout.count() > 0) {
        c.set_read_deadline(earliest(deadline, Clock::now() + response_header_timeout));
    }
    const bool to_head = req.method == "HEAD";
    if (auto r = conn->read_head(to_head); !r) return r.error();
    c.set_read_deadline(deadline);

    const MessageHead& h = conn->head();
    trace_head(trace, h, Direction::received);
    Response resp;
    resp.status_code = h.status;
    resp.status_text = h.reason;
    resp.proto = h.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    for (const Field& f : h.fields)
        resp.header.add(f.name, f.value);
    resp.content_length = content_length_of(h);
    resp.pool_ = disable_keep_alives ? nullptr : pool_;
    resp.max_idle_per_host_ = max_idle_per_host;
    resp.conn_ = std::move(conn);
    // Only what the client asked for itself is decoded: a caller that set Accept-Encoding
    // gets the bytes as sent.
    if (asked_gzip && !resp.conn_->body_done() &&
        detail::iequals(resp.header.get("Content-Encoding"), "gzip")) {
        resp.decode_gzip(limits.max_body);
    }
    if (resp.conn_->body_done()) resp.release();
    return resp;
}

}  // namespace wire::http
