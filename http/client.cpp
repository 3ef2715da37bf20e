// wire:glue
#include "http/client.hpp"

#include <limits>

#include "http/detail/client_conn.hpp"
#include "http/detail/conn_pool.hpp"
#include "http/detail/redirect.hpp"
#include "http/error.hpp"
#include "http/url.hpp"

namespace wire::http {
namespace {

// RFC 9110 §15.4: Go drains a small redirect body so that the connection can be reused.
constexpr std::int64_t kMaxDrain = 2048;

// Request fields that carry credentials, not sent to another host after a redirect (as Go).
bool sensitive_field(std::string_view name) {
    for (std::string_view s : {"Authorization", "Www-Authenticate", "Cookie", "Cookie2"}) {
        if (canonical_header_key(name) == s) return true;
    }
    return false;
}

std::string_view authority_of(std::string_view url) {
    UrlView u;
    if (parse_url(url, u)) return {};
    return url.substr(static_cast<std::size_t>(u.host.data() - url.data()),
                      u.host.size() + (u.port.empty() ? 0 : u.port.size() + 1));
}

// The request for the next hop of a redirect, or an error.
net::Result<ClientRequest> next_hop(const ClientRequest& req, const Response& resp) {
    const std::string_view location = resp.header.get("Location");
    auto url = detail::resolve_reference(req.url, location);
    if (!url) return Error::bad_location;
    const detail::RedirectRule rule = detail::redirect_rule(resp.status_code, req.method);
    ClientRequest next;
    next.url = std::move(*url);
    next.method = rule.to_get ? "GET" : req.method;
    if (rule.keep_body) next.body = req.body;
    const bool same_host = authority_of(next.url) == authority_of(req.url);
    for (std::size_t i = 0; i < req.header.size(); ++i) {
        const Field f = req.header[i];
        if (!same_host && sensitive_field(f.name)) continue;
        // The body's description goes with the body.
        if (!rule.keep_body && (f.name == "Content-Type" || f.name == "Content-Encoding")) {
            continue;
        }
        next.header.add(f.name, f.value);
    }
    return next;
}

}  // namespace

Client::Client() : pool_(std::make_shared<detail::ConnPool>()) {}
Client::~Client() = default;

Limits Client::client_limits() noexcept {
    Limits l;
    l.max_body = std::numeric_limits<std::uint64_t>::max();
    return l;
}

net::Result<Response> Client::get(std::string_view url) {
    ClientRequest r;
    r.url = url;
    return do_request(std::move(r));
}

net::Result<Response> Client::head(std::string_view url) {
    ClientRequest r;
    r.method = "HEAD";
    r.url = url;
    return do_request(std::move(r));
}

net::Result<Response> Client::post(std::string_view url, std::string_view content_type,
                                   std::string body) {
    ClientRequest r;
    r.method = "POST";
    r.url = url;
    if (!content_type.empty()) r.header.set("Content-Type", content_type);
    r.body = std::move(body);
    return do_request(std::move(r));
}

net::Result<Response> Client::post_form(std::string_view url, const Values& form) {
    return post(url, "application/x-www-form-urlencoded", form.encode());
}

void Client::close_idle_connections() {
    pool_->clear();
}

std::size_t Client::idle_connections() const {
    return pool_->idle_count();
}

Client& default_client() {
    // why: leaked on purpose, as Go's DefaultClient lives for the whole program; destroying it
    // at exit would race with threads still using it.
    static Client* const client = new Client();
    return *client;
}

}  // namespace wire::http

namespace wire::http {

net::Result<Response> Client::do_request(ClientRequest req) {
    const TimePoint deadline =
        timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout : TimePoint{};
    for (int followed = 0;; ++followed) {
        auto resp = jar ? send_with_jar(req, deadline) : send_once(req, deadline);
        if (!resp) return resp.error();
        // RFC 9110 §15.4: only 301, 302, 303, 307 and 308 are followed, and only with a
        // Location (Go returns the response as is when it has none).
        if (!detail::redirect_rule(resp->status_code, req.method).follow ||
            !resp->header.has("Location")) {
            return resp;
        }
        auto next = next_hop(req, *resp);
        if (!next) return next.error();
        if (check_redirect) {
            const std::error_code ec = check_redirect(*next, followed);
            if (ec == Error::use_last_response) return resp;
            if (ec) return ec;
        } else if (followed >= max_redirects) {
            return Error::too_many_redirects;
        }
        // Read a small body to its end so its connection can carry the next hop.
        if (resp->content_length >= 0 && resp->content_length <= kMaxDrain) {
            (void)resp->read_all();
        }
        resp->close();
        req = std::move(*next);
    }
}

}  // namespace wire::http

namespace wire::http {

// Go's Client.send: the jar's cookies go on a copy, so that a redirect's next hop (built from
// `req`) asks the jar afresh instead of carrying this hop's cookies to another host.
net::Result<Response> Client::send_with_jar(const ClientRequest& req, TimePoint deadline) {
    ClientRequest sent = req;
    for (const Cookie& c : jar->cookies(req.url))
        sent.add_cookie(c);
    auto resp = send_once(sent, deadline);
    if (resp) {
        const std::vector<Cookie> got = resp->cookies();
        if (!got.empty()) jar->set_cookies(req.url, got);
    }
    return resp;
}

}  // namespace wire::http
