// The permessage-deflate negotiation (RFC 7692 §5, §7.1), pure: header text in, decision out.
//
// Server: negotiate_deflate() reads the client's Sec-WebSocket-Extensions, takes the first
// permessage-deflate offer it can accept, declines the others (an offer it cannot accept is not
// an error: the connection carries on uncompressed, §5.1) and writes the answer's element.
// A header that does not parse is an error: the handshake is answered 400 with the reason.
//
// Client: deflate_offers() writes the offer list (the preferred parameters first, then a plain
// fallback), and check_deflate_response() checks the server's answer against it: an answer that
// fits none of the offers fails the connection (§5.1, §7.1).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "websocket/deflate_params.hpp"
#include "websocket/extension.hpp"

namespace wire::websocket {

inline constexpr std::string_view permessage_deflate = "permessage-deflate";

// The parameters of one permessage-deflate offer or answer, as written (RFC 7692 §7.1).
struct DeflateOffer {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = 0;  // 0: absent
    int client_max_window_bits = 0;  // 0: absent; -1: present without a value (offers only)
};

// Reads the parameters of one permessage-deflate element. False when the element is not a
// valid offer (`is_offer`) or answer: an unknown parameter, one given twice, a value out of
// 8..15 or where none belongs (§7.1: "A server MUST decline ...").
[[nodiscard]] bool parse_deflate_params(const ExtensionOffer& element, bool is_offer,
                                        DeflateOffer& out) noexcept;

// Writes "permessage-deflate" and the parameters of `p` (as an offer or an answer).
void append_deflate_element(std::string& out, const DeflateOffer& p);

// The server's decision.
struct DeflateAgreement {
    bool accepted = false;
    DeflateParams params;                          // when accepted
    std::string response;                          // the element to answer with, when accepted
    ExtensionSyntax syntax = ExtensionSyntax::ok;  // not ok: the header is malformed (400)
};

// RFC 7692 §7.1: the first acceptable permessage-deflate offer of `header`, answered according
// to the server's `prefs` (see CompressionOptions).
[[nodiscard]] DeflateAgreement negotiate_deflate(std::string_view header,
                                                 const CompressionOptions& prefs);

// The client's Sec-WebSocket-Extensions value for `prefs`.
[[nodiscard]] std::string deflate_offers(const CompressionOptions& prefs);

// The client's check of the answer (`response`, the server's Sec-WebSocket-Extensions, joined)
// against the offers deflate_offers(prefs) made. {} with `accepted` false: the server declined
// compression. An error: Error::handshake_bad_extensions (does not parse, or permessage-deflate
// twice) or Error::handshake_bad_deflate_response (a parameter or value not offered).
[[nodiscard]] std::error_code check_deflate_response(std::string_view response,
                                                     const CompressionOptions& prefs,
                                                     bool& accepted, DeflateParams& params);

}  // namespace wire::websocket
