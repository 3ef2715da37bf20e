// Small helpers over parsed header fields, shared by the Dialer, the Upgrader, the mux route and
// the standalone WebSocketServer.
#pragma once

#include <string>
#include <string_view>

#include "http/header_view.hpp"
#include "websocket/handshake.hpp"

namespace wire::websocket::detail {

// Every value of a list field joined with ", " (RFC 9110 §5.3: repeated field lines of a list
// field mean the same as one line with the values comma-separated).
inline std::string joined_values(const http::HeaderView& fields, std::string_view name) {
    std::string out;
    for (const auto& f : fields) {
        if (f.name.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < name.size() && same; ++i) {
            same = (f.name[i] | 0x20) == (name[i] | 0x20);
        }
        if (!same) continue;
        if (!out.empty()) out += ", ";
        out.append(f.value);
    }
    return out;
}

// The list fields of an upgrade request, joined; UpgradeRequest's views point into them.
struct JoinedUpgradeLists {
    std::string connection;
    std::string protocol;
    std::string extensions;
};

// What the opening handshake checks (RFC 6455 §4.2.1), taken from a parsed request head: the
// request line's parts and `fields`. The views stay valid while `fields` and `lists` live.
inline UpgradeRequest upgrade_request_of(std::string_view method, int version_minor,
                                         std::string_view host, const http::HeaderView& fields,
                                         JoinedUpgradeLists& lists) {
    lists.connection = joined_values(fields, "Connection");
    lists.protocol = joined_values(fields, "Sec-WebSocket-Protocol");
    lists.extensions = joined_values(fields, "Sec-WebSocket-Extensions");
    UpgradeRequest req;
    req.method = method;
    req.http_version = version_minor >= 1 ? "HTTP/1.1" : "HTTP/1.0";
    req.host = host;
    req.upgrade = fields.get("Upgrade");
    req.connection = lists.connection;
    req.version = fields.get("Sec-WebSocket-Version");
    req.key = fields.get("Sec-WebSocket-Key");
    req.protocol = lists.protocol;
    req.extensions = lists.extensions;
    req.origin = fields.get("Origin");
    return req;
}

}  // namespace wire::websocket::detail
