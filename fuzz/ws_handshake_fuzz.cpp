// Handshake validation: the input is split at '\n' into the request's header values (method,
// version, Host, Upgrade, Connection, Sec-WebSocket-Version, -Key, -Protocol, -Extensions,
// Origin). Checks the verdict is consistent: a 101 only for a request every rule accepts, a
// failure always with a status, body and a well-formed answer; the client-side check accepts
// exactly the accept value the server would compute.
#include <cstdlib>
#include <string>
#include <string_view>

#include "websocket/handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wire::websocket;
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string_view fields[10];
    for (auto& f : fields) {
        const std::size_t nl = in.find('\n');
        f = in.substr(0, nl);
        in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
    }
    UpgradeRequest r{fields[0], fields[1], fields[2], fields[3], fields[4],
                     fields[5], fields[6], fields[7], fields[8], fields[9]};
    const HandshakeCheck check = check_upgrade_request(r);
    if (check.ok()) {
        if (check.status != 101 || r.method != "GET" || r.key.size() != key_length) std::abort();
        if (!header_has_token(r.connection, "upgrade") ||
            !header_has_token(r.upgrade, "websocket")) {
            std::abort();
        }
        const std::string_view supported[] = {"chat", "superchat"};
        ServerHandshakeOptions options;
        options.subprotocols = supported;
        UpgradeResponse out;
        if (!accept_upgrade(r, options, out).ok()) std::abort();
        // Only an offered protocol may be chosen.
        if (!out.protocol.empty() && !header_has_token(r.protocol, out.protocol)) std::abort();
        UpgradeResponseHead head{101, "websocket", "Upgrade", out.accept.view(), out.protocol, ""};
        if (check_upgrade_response(head, r.key, r.protocol, "")) std::abort();
        if (format_upgrade_response(out).find(out.accept.view()) == std::string::npos) std::abort();
    } else {
        if (check.status < 400 || check.status > 426 || check.body.empty()) std::abort();
        const std::string answer = format_error_response(check);
        if (answer.substr(answer.size() - check.body.size()) != check.body) std::abort();
    }
    (void)is_same_origin(r.origin, r.host);
    return 0;
}
