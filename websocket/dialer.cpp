// wire:glue
// Dialer: URL, TCP (or CONNECT through a proxy), the upgrade request, the 101 answer checked.
#include "websocket/dialer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <memory>

#include "crypto/base64.hpp"
#include "http/parser.hpp"
#include "net/dial.hpp"
#include "net/error.hpp"
#include "websocket/deflate_negotiation.hpp"
#include "websocket/detail/fields.hpp"
#include "websocket/error.hpp"
#include "websocket/handshake.hpp"

namespace wire::websocket {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

// authority = host [ ":" port ]   (RFC 3986 §3.2; userinfo is refused here)
bool parse_authority(std::string_view auth, WsUrl& out) {
    if (auth.empty() || auth.find('@') != std::string_view::npos) return false;
    std::string_view host = auth, port;
    if (auth.front() == '[') {  // IP-literal: "[::1]:8080"
        const auto close = auth.find(']');
        if (close == std::string_view::npos) return false;
        host = auth.substr(1, close - 1);
        const auto rest = auth.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            port = rest.substr(1);
        }
    } else if (const auto colon = auth.rfind(':'); colon != std::string_view::npos) {
        host = auth.substr(0, colon);
        port = auth.substr(colon + 1);
    }
    if (host.empty()) return false;
    out.host = std::string(host);
    out.port = 80;
    if (auth.back() == ':') return false;
    if (!port.empty()) {
        unsigned value = 0;
        const auto r = std::from_chars(port.data(), port.data() + port.size(), value);
        if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || value == 0 ||
            value > 65535) {
            return false;
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    out.authority = std::string(auth);
    return true;
}

// The head of an HTTP response, read into a fixed buffer; bytes after it stay in the buffer.
class ResponseReader {
  public:
    static constexpr std::size_t capacity = 16 * 1024;

    ResponseReader() : buf_(std::make_unique_for_overwrite<char[]>(capacity)) {}

    // Reads until the head is complete. Returns its length.
    Result<std::size_t> read_head(net::Conn& conn) {
        for (;;) {
            const auto r = parser_.parse({buf_.get(), len_});
            if (r.done()) return r.consumed;
            if (r.failed()) return http::make_error_code(r.error);
            if (len_ == capacity) return http::make_error_code(http::Error::head_too_large);
            auto n = conn.read(buf_.get() + len_, capacity - len_);
            if (!n) return n.error();
            if (*n == 0) return http::make_error_code(http::Error::unexpected_eof);
            len_ += *n;
        }
    }

    const http::MessageHead& head() const noexcept { return parser_.head(); }
    std::string_view head_bytes(std::size_t head_len) const noexcept {
        return {buf_.get(), head_len};
    }
    std::string_view rest(std::size_t head_len) const noexcept {
        return {buf_.get() + head_len, len_ - head_len};
    }

    // gorilla's failed-handshake response: status, fields and up to 1024 bytes of body.
    void fill(HandshakeResponse& out, std::size_t head_len, net::Conn& conn) {
        const auto& h = head();
        out.status = h.status;
        out.reason = std::string(h.reason);
        out.header.clear();
        for (const auto& f : h.fields)
            out.header.add(f.name, f.value);
        std::size_t want = 1024;
        if (h.framing == http::Framing::content_length) {
            want = static_cast<std::size_t>(std::min<std::uint64_t>(h.content_length, 1024));
        } else if (h.framing == http::Framing::none) {
            want = 0;
        }
        out.body = std::string(rest(head_len).substr(0, want));
        char more[1024];
        while (out.body.size() < want && h.framing != http::Framing::chunked) {
            auto n = conn.read(more, want - out.body.size());
            if (!n || *n == 0) break;
            out.body.append(more, *n);
        }
    }

  private:
    std::unique_ptr<char[]> buf_;
    std::size_t len_ = 0;
    std::array<http::Field, 100> fields_;
    http::HeadParser parser_{http::HeadParser::Kind::response, fields_};
};

struct ProxyTarget {
    std::string address;        // "host:port"
    std::string authorization;  // "Basic ..." or empty
};

// "http://user:pass@host:port/" or "host:port" (port 80 when absent).
Result<ProxyTarget> parse_proxy(std::string_view proxy) {
    ProxyTarget out;
    if (const auto p = proxy.find("://"); p != std::string_view::npos) {
        if (!iequals(proxy.substr(0, p), "http")) return Error::unsupported_scheme;
        proxy.remove_prefix(p + 3);
    }
    if (const auto slash = proxy.find('/'); slash != std::string_view::npos) {
        proxy = proxy.substr(0, slash);
    }
    if (const auto at = proxy.rfind('@'); at != std::string_view::npos) {
        out.authorization = "Basic " + crypto::base64::encode(proxy.substr(0, at));  // RFC 7617
        proxy.remove_prefix(at + 1);
    }
    WsUrl parsed;
    if (!parse_authority(proxy, parsed)) return Error::bad_url;
    out.address = parsed.host_port();
    return out;
}

// RFC 9110 §9.3.6: CONNECT host:port, then the proxy relays bytes once it answers 2xx.
Result<void> connect_through_proxy(net::Conn& conn, const ProxyTarget& proxy, const WsUrl& url,
                                   const http::Header& extra, HandshakeResponse* response) {
    const std::string target = url.host_port();
    std::string req = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
    if (!proxy.authorization.empty()) {
        req += "Proxy-Authorization: " + proxy.authorization + "\r\n";
    }
    for (std::size_t i = 0; i < extra.size(); ++i) {
        req.append(extra[i].name).append(": ").append(extra[i].value).append("\r\n");
    }
    req += "\r\n";
    if (auto w = conn.write(req); !w) return w.error();
    ResponseReader reader;
    auto head_len = reader.read_head(conn);
    if (!head_len) return head_len.error();
    const int status = reader.head().status;
    if (status < 200 || status > 299) {
        if (response != nullptr) reader.fill(*response, *head_len, conn);
        return Error::proxy_refused;
    }
    return {};
}

bool is_handshake_field(std::string_view name) {
    for (std::string_view own : {"Upgrade", "Connection", "Sec-WebSocket-Key",
                                 "Sec-WebSocket-Version", "Sec-WebSocket-Extensions"}) {
        if (iequals(name, own)) return true;
    }
    return false;
}

std::string join(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

// RFC 6455 §4.1: the client's opening handshake.
std::string upgrade_request(const WsUrl& url, const ClientKey& key, const std::string& protocols,
                            const std::string& extensions, const http::Header& extra) {
    std::string req = "GET " + url.target + " HTTP/1.1\r\n";
    if (!extra.has("Host")) req += "Host: " + url.authority + "\r\n";
    req += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
    req.append(key.view());
    req += "\r\nSec-WebSocket-Version: 13\r\n";
    if (!protocols.empty()) req += "Sec-WebSocket-Protocol: " + protocols + "\r\n";
    if (!extensions.empty()) req += "Sec-WebSocket-Extensions: " + extensions + "\r\n";
    for (std::size_t i = 0; i < extra.size(); ++i) {
        req.append(extra[i].name).append(": ").append(extra[i].value).append("\r\n");
    }
    req += "\r\n";
    return req;
}

}  // namespace

std::string WsUrl::host_port() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// ws-URI = "ws:" "//" host [ ":" port ] path [ "?" query ]   (RFC 6455 §3)
Result<WsUrl> parse_ws_url(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return Error::bad_url;
    const auto scheme = url.substr(0, sep);
    if (iequals(scheme, "wss") || iequals(scheme, "https")) return Error::unsupported_scheme;
    if (!iequals(scheme, "ws") && !iequals(scheme, "http")) return Error::unsupported_scheme;
    auto rest = url.substr(sep + 3);
    // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs".
    if (rest.find('#') != std::string_view::npos) return Error::bad_url;
    const auto path_at = std::min(rest.find('/'), rest.find('?'));
    WsUrl out;
    if (!parse_authority(rest.substr(0, path_at), out)) return Error::bad_url;
    out.target = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
    if (out.target.front() == '?') out.target.insert(0, "/");
    for (const char c : out.target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return Error::bad_url;
    }
    return out;
}

Result<Conn> Dialer::dial(std::string_view url_text, const http::Header& header,
                          HandshakeResponse* response) const {
    auto url = parse_ws_url(url_text);
    if (!url) return url.error();
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (is_handshake_field(header[i].name)) return Error::duplicate_header;
        if (!subprotocols.empty() && iequals(header[i].name, "Sec-WebSocket-Protocol")) {
            return Error::duplicate_header;
        }
    }
    const auto deadline = Clock::now() + handshake_timeout;
    const auto left = [&] {
        return std::max(
            std::chrono::milliseconds(1),
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    };

    // 1. TCP, to the server or to the proxy (then CONNECT).
    ProxyTarget proxy_target;
    if (!proxy.empty()) {
        auto p = parse_proxy(proxy);
        if (!p) return p.error();
        proxy_target = std::move(*p);
    }
    auto conn = net::dial(proxy.empty() ? url->host_port() : proxy_target.address, left());
    if (!conn) return conn.error();
    conn->set_deadline(deadline);
    if (!proxy.empty()) {
        if (auto r = connect_through_proxy(*conn, proxy_target, *url, proxy_header, response); !r) {
            return r.error();
        }
    }

    // 2. The upgrade request (RFC 6455 §4.1).
    ClientKey key;
    if (auto ec = generate_key(key)) return ec;
    const std::string protocols = join(subprotocols);
    const std::string offers = enable_compression ? deflate_offers(compression) : std::string();
    const std::string request = upgrade_request(*url, key, protocols, offers, header);
    http::trace_head(trace, request, Direction::sent);
    if (auto w = conn->write(request); !w) return w.error();

    // 3. The answer: 101 with the right accept value, or the server's reason for refusing.
    ResponseReader reader;
    auto head_len = reader.read_head(*conn);
    if (!head_len) return head_len.error();
    http::trace_head(trace, reader.head_bytes(*head_len), Direction::received);
    const auto& head = reader.head();
    if (response != nullptr) {
        if (head.status == 101) {
            response->status = 101;
            response->reason = std::string(head.reason);
            response->header.clear();
            for (const auto& f : head.fields)
                response->header.add(f.name, f.value);
            response->body.clear();
        } else {
            reader.fill(*response, *head_len, *conn);
        }
    }
    const std::string connection = detail::joined_values(head.fields, "Connection");
    const std::string extensions = detail::joined_values(head.fields, "Sec-WebSocket-Extensions");
    UpgradeResponseHead checked;
    checked.status = head.status;
    checked.upgrade = head.fields.get("Upgrade");
    checked.connection = connection;
    checked.accept = head.fields.get("Sec-WebSocket-Accept");
    checked.protocol = head.fields.get("Sec-WebSocket-Protocol");
    checked.extensions = extensions;
    if (head.status == 101 && !checked.accept.empty()) {
        trace_accept(trace, key.view(), Direction::received, checked.accept);
    }
    if (auto ec = check_upgrade_response(checked, key.view(), protocols, offers)) return ec;
    // RFC 7692 §7.1: the answer must accept one of our offers as it was made.
    std::optional<DeflateParams> deflate;
    if (enable_compression) {
        bool accepted = false;
        DeflateParams params;
        if (auto ec = check_deflate_response(extensions, compression, accepted, params)) return ec;
        if (accepted) deflate = params;
    }

    // 4. The Conn, holding any frame bytes that came in right behind the 101.
    conn->set_deadline(net::Conn::no_deadline);
    ConnOptions options;
    options.role = Role::client;
    options.read_buffer_size = read_buffer_size;
    options.write_buffer_size = write_buffer_size;
    options.write_buffer_pool = write_buffer_pool;
    options.read_limit = read_limit;
    options.already_read = reader.rest(*head_len);
    options.subprotocol = std::string(checked.protocol);
    options.trace = trace;
    options.deflate = deflate;
    options.compression = compression;
    return Conn(std::move(*conn), std::move(options));
}

}  // namespace wire::websocket
