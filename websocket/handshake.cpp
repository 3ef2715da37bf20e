#include "websocket/handshake.hpp"

#include <cstring>

#include "crypto/base64.hpp"
#include "crypto/random.hpp"
#include "crypto/sha1.hpp"
#include "http/detail/chars.hpp"
#include "http/status.hpp"
#include "websocket/deflate_negotiation.hpp"
#include "websocket/frame.hpp"

namespace wire::websocket {

namespace {

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool equal_fold(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// RFC 9110 §5.6.1: #element = [ element ] *( OWS "," OWS [ element ] ). Empty elements skipped.
template <class Fn>
bool any_element(std::string_view list, Fn&& fn) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view item = http::detail::trim_ows(list.substr(0, comma));
        if (!item.empty() && fn(item)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

// RFC 6455 §9.1: extension = extension-token *( ";" extension-param ); the name is the token.
std::string_view extension_name(std::string_view item) noexcept {
    return http::detail::trim_ows(item.substr(0, item.find(';')));
}

// "HTTP/" 1*DIGIT "." 1*DIGIT, at least 1.1 (RFC 6455 §4.1: "HTTP/1.1 or higher").
bool http_11_or_later(std::string_view v) noexcept {
    if (v.size() < 8 || v.substr(0, 5) != "HTTP/") return false;
    v.remove_prefix(5);
    const std::size_t dot = v.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
    unsigned major = 0, minor = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i == dot) continue;
        if (v[i] < '0' || v[i] > '9') return false;
        unsigned& part = i < dot ? major : minor;
        if (part > 1000) return false;  // no real version is this long
        part = part * 10 + static_cast<unsigned>(v[i] - '0');
    }
    return major > 1 || (major == 1 && minor >= 1);
}

// RFC 6455 §4.1: the key is "a base64-encoded value that, when decoded, is 16 bytes in length".
bool valid_key(std::string_view key) noexcept {
    if (key.size() != key_length) return false;
    std::uint8_t raw[crypto::base64::decoded_size(key_length)];
    const auto r = crypto::base64::decode(key, raw);
    return !r.error && r.written == 16;
}

// The fields a refusal adds to its answer.
constexpr std::span<const HandshakeField> kNoFields;
constexpr HandshakeField kAllowGet[] = {{"Allow", "GET"}};
// RFC 9110 §15.5.22: a 426 "MUST send an Upgrade header field ... to indicate the required
// protocol(s)"; §7.8: the sender of Upgrade also sends the "upgrade" connection option.
// RFC 6455 §4.4: and the version(s) the server speaks.
constexpr HandshakeField kUpgradeRequired[] = {
    {"Upgrade", "websocket"},
    {"Connection", "Upgrade"},
    {"Sec-WebSocket-Version", websocket_version},
};

struct Failure {
    Error error;
    int status;
    const char* body;
    std::span<const HandshakeField> fields;
};

// Each failed check, the status that answers it (RFC 9110 §15) and a body a developer can act on.
constexpr Failure kFailures[] = {
    {Error::handshake_bad_method, 405,
     "A WebSocket handshake must be a GET request (RFC 6455 section 4.1). Send GET with "
     "'Upgrade: websocket'.\n",
     kAllowGet},
    {Error::handshake_bad_http_version, 400,
     "A WebSocket handshake needs HTTP/1.1 or later (RFC 6455 section 4.1). Send the request as "
     "HTTP/1.1.\n",
     kNoFields},
    {Error::handshake_missing_host, 400,
     "The 'Host' header is missing (RFC 6455 section 4.1). Add 'Host: <server name>'.\n",
     kNoFields},
    {Error::handshake_bad_upgrade, 400,
     "The 'Upgrade' header must contain 'websocket' (RFC 6455 section 4.2.1). Add "
     "'Upgrade: websocket'; this endpoint only speaks WebSocket.\n",
     kNoFields},
    {Error::handshake_bad_connection, 400,
     "The 'Connection' header must contain the token 'Upgrade' (RFC 6455 section 4.2.1). Add "
     "'Connection: Upgrade'; a proxy may have removed it.\n",
     kNoFields},
    {Error::handshake_bad_version, 426,
     "The 'Sec-WebSocket-Version' header must be 13, the only version this server speaks (RFC 6455 "
     "section 4.4). Send 'Sec-WebSocket-Version: 13'.\n",
     kUpgradeRequired},
    {Error::handshake_bad_key, 400,
     "The 'Sec-WebSocket-Key' header must be the Base64 of exactly 16 random bytes: 24 characters "
     "ending in '==' (RFC 6455 section 4.1). Generate a fresh one for each connection.\n",
     kNoFields},
    {Error::handshake_bad_origin, 403,
     "The 'Origin' of this request is not allowed to open a WebSocket here (RFC 6455 section "
     "10.2). Connect from a page on this host, or configure the server's origin check.\n",
     kNoFields},
};

}  // namespace

AcceptValue compute_accept(std::string_view key) noexcept {
    crypto::Sha1 sha;
    sha.update(key);
    sha.update(websocket_guid);
    const crypto::Sha1Digest digest = sha.finish();
    AcceptValue out;
    (void)crypto::base64::encode(digest, out.chars);  // 20 bytes always make 28 characters
    return out;
}

HandshakeCheck handshake_failure(Error e) noexcept {
    for (const auto& f : kFailures) {
        if (f.error == e) return {make_error_code(e), f.status, f.body, f.fields};
    }
    return {make_error_code(e), 400, "Bad WebSocket handshake.\n", {}};
}

// RFC 6455 §4.2.1, the server's checks in order.
HandshakeCheck check_upgrade_request(const UpgradeRequest& r) noexcept {
    // 1. "An HTTP/1.1 or higher GET request".
    if (r.method != "GET") return handshake_failure(Error::handshake_bad_method);
    if (!http_11_or_later(r.http_version))
        return handshake_failure(Error::handshake_bad_http_version);
    // 2. "A |Host| header field containing the server's authority."
    if (r.host.empty()) return handshake_failure(Error::handshake_missing_host);
    // 3. "An |Upgrade| header field containing the value "websocket", ... ASCII case-insensitive".
    if (!header_has_token(r.upgrade, "websocket"))
        return handshake_failure(Error::handshake_bad_upgrade);
    // 4. "A |Connection| header field that includes the token "Upgrade"".
    if (!header_has_token(r.connection, "upgrade")) {
        return handshake_failure(Error::handshake_bad_connection);
    }
    // 6. "A |Sec-WebSocket-Version| header field, with a value of 13"; §4.4: else 426 with ours.
    if (r.version != websocket_version) return handshake_failure(Error::handshake_bad_version);
    // 5. "A |Sec-WebSocket-Key| header field with a base64-encoded value ... 16 bytes".
    if (!valid_key(r.key)) return handshake_failure(Error::handshake_bad_key);
    return {};
}

bool header_has_token(std::string_view list, std::string_view token) noexcept {
    return any_element(list, [&](std::string_view item) { return equal_fold(item, token); });
}

bool is_same_origin(std::string_view origin, std::string_view host) noexcept {
    if (origin.empty()) return true;  // not a browser: nothing to protect (gorilla's rule)
    // RFC 6454 §7.1: serialized-origin = scheme "://" host [ ":" port ]
    const std::size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return false;  // "null" and other opaque origins
    std::string_view authority = origin.substr(sep + 3);
    authority = authority.substr(0, authority.find('/'));
    return equal_fold(authority, host);
}

std::string_view select_subprotocol(std::string_view offered,
                                    std::span<const std::string_view> supported) noexcept {
    for (std::string_view mine : supported) {
        // Subprotocol names are compared exactly (RFC 6455 §4.1: "a token").
        if (any_element(offered, [&](std::string_view item) { return item == mine; })) return mine;
    }
    return {};
}

HandshakeCheck accept_upgrade(const UpgradeRequest& request, const ServerHandshakeOptions& options,
                              UpgradeResponse& out) {
    HandshakeCheck check = check_upgrade_request(request);
    if (!check.ok()) return check;
    out.accept = compute_accept(request.key);
    out.protocol = select_subprotocol(request.protocol, options.subprotocols);
    out.extensions = {};
    out.deflate = false;
    // RFC 7692 §5: permessage-deflate, if the server speaks it and an offer is acceptable.
    if (options.compression != nullptr && !request.extensions.empty()) {
        DeflateAgreement agreed = negotiate_deflate(request.extensions, *options.compression);
        // A header we cannot read is the client's mistake: say where it breaks (400).
        if (agreed.syntax != ExtensionSyntax::ok) {
            return {make_error_code(Error::handshake_bad_extensions),
                    400,
                    extension_syntax_text(agreed.syntax),
                    {}};
        }
        if (agreed.accepted) {
            out.deflate = true;
            out.deflate_params = agreed.params;
            out.extensions.response = std::move(agreed.response);
            out.extensions.rsv = rsv1;  // the "Per-Message Compressed" bit (§6)
            return check;
        }
    }
    // §9.1: the server accepts some, all or none of the offered extensions.
    if (options.negotiate_extensions && !request.extensions.empty()) {
        out.extensions = options.negotiate_extensions(request.extensions);
    }
    return check;
}

std::string format_upgrade_response(const UpgradeResponse& response) {
    std::string out;
    out.reserve(160);
    out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    out += "Sec-WebSocket-Accept: ";
    out += response.accept.view();
    out += "\r\n";
    if (!response.protocol.empty()) {
        out += "Sec-WebSocket-Protocol: ";
        out += response.protocol;
        out += "\r\n";
    }
    if (!response.extensions.response.empty()) {
        out += "Sec-WebSocket-Extensions: ";
        out += response.extensions.response;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

std::string format_error_response(const HandshakeCheck& check) {
    // The registry's reason phrase (RFC 9110 §15), so a 404 or 431 is not called "Bad Request".
    std::string out = "HTTP/1.1 " + std::to_string(check.status) + " ";
    out.append(http::status_text(check.status)).append("\r\n");
    // The answer ends the connection: "close" joins any connection option the check names
    // (RFC 9110 §7.6.1), in one Connection field.
    std::string_view options;
    for (const HandshakeField& f : check.fields) {
        if (f.name == "Connection") {
            options = f.value;
        } else {
            out.append(f.name).append(": ").append(f.value).append("\r\n");
        }
    }
    out += "Content-Type: text/plain; charset=utf-8\r\nConnection: ";
    if (!options.empty()) out.append(options).append(", ");
    out += "close\r\nContent-Length: ";
    out += std::to_string(check.body.size());
    out += "\r\n\r\n";
    out += check.body;
    return out;
}

std::error_code generate_key(ClientKey& out) noexcept {
    std::uint8_t nonce[16];
    if (auto ec = crypto::fill_random(nonce)) return ec;
    (void)crypto::base64::encode(nonce, out.chars);  // 16 bytes always make 24 characters
    return {};
}

// RFC 6455 §4.1, "the client MUST validate the server's response as follows".
std::error_code check_upgrade_response(const UpgradeResponseHead& r, std::string_view sent_key,
                                       std::string_view offered_protocols,
                                       std::string_view requested_extensions) noexcept {
    // 1. "If the status code received from the server is not 101, ... _Fail_".
    if (r.status != 101) return Error::handshake_bad_status;
    // 2-3. Upgrade: websocket and Connection: Upgrade, ASCII case-insensitive.
    if (!header_has_token(r.upgrade, "websocket")) return Error::handshake_bad_upgrade;
    if (!header_has_token(r.connection, "upgrade")) return Error::handshake_bad_connection;
    // 4. The accept value is the one derived from our key.
    if (r.accept != compute_accept(sent_key).view()) return Error::handshake_bad_accept;
    // 5. "If the response includes a |Sec-WebSocket-Extensions| header field and this header
    //    field indicates the use of an extension that was not present in the client's handshake".
    const bool unrequested = any_element(r.extensions, [&](std::string_view item) {
        const std::string_view name = extension_name(item);
        return !any_element(requested_extensions, [&](std::string_view offer) {
            return equal_fold(extension_name(offer), name);
        });
    });
    if (unrequested) return Error::handshake_unrequested_extension;
    // 6. "If the response includes a |Sec-WebSocket-Protocol| header field and this header field
    //    indicates the use of a subprotocol that was not present in the client's handshake".
    if (!r.protocol.empty() &&
        !any_element(offered_protocols, [&](std::string_view p) { return p == r.protocol; })) {
        return Error::handshake_unoffered_subprotocol;
    }
    return {};
}

}  // namespace wire::websocket
