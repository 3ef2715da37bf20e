// permessage-deflate (RFC 7692): what one connection agreed on, and the knobs an endpoint sets.
//
// Each direction has its own DEFLATE stream. "server_*" parameters describe what the server
// compresses (and the client inflates), "client_*" what the client compresses:
//  - *_no_context_takeover (§7.1.1): that side starts every message with an empty history, so
//    the receiver need not keep a window between messages either;
//  - *_max_window_bits (§7.1.2): that side's back-references reach at most 2^bits bytes, so the
//    receiver needs a window of only that size.
#pragma once

#include <cstddef>

#include "websocket/opcode.hpp"

namespace wire::websocket {

inline constexpr int min_deflate_window_bits = 8;   // RFC 7692 §7.1.2.1: 8 to 15
inline constexpr int max_deflate_window_bits = 15;  // RFC 1951 §3.2.5: 32 KiB

// The agreement, once the handshake is done (RFC 7692 §7.1). Defaults: the RFC's own (context
// takeover both ways, 32 KiB windows).
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int server_max_window_bits = max_deflate_window_bits;
    int client_max_window_bits = max_deflate_window_bits;

    // The side that `role` sends (compresses) and the side it receives (inflates).
    [[nodiscard]] int send_window_bits(Role role) const noexcept {
        return role == Role::server ? server_max_window_bits : client_max_window_bits;
    }
    [[nodiscard]] int receive_window_bits(Role role) const noexcept {
        return role == Role::server ? client_max_window_bits : server_max_window_bits;
    }
    [[nodiscard]] bool send_no_context_takeover(Role role) const noexcept {
        return role == Role::server ? server_no_context_takeover : client_no_context_takeover;
    }
    [[nodiscard]] bool receive_no_context_takeover(Role role) const noexcept {
        return role == Role::server ? client_no_context_takeover : server_no_context_takeover;
    }
    friend bool operator==(const DeflateParams&, const DeflateParams&) = default;
};

// An endpoint's preferences (Upgrader::compression, Dialer::compression, EventOptions). gorilla
// has only on/off and the level; the window and takeover knobs are RFC 7692's. The defaults
// are the RFC's and compress best; smaller windows or no context takeover trade ratio for
// memory (a connection with takeover keeps 2^bits bytes per direction between messages).
struct CompressionOptions {
    // RFC 7692 §7.1.2.1: the server's compressor window. A server uses at most this (less when
    // the client asks); a client asks the server for it (in its first offer, when below 15).
    int server_max_window_bits = max_deflate_window_bits;
    // §7.1.2.2: the client's compressor window. A server asks the client for it when the
    // client allows (its offer has client_max_window_bits); a client offers it.
    int client_max_window_bits = max_deflate_window_bits;
    // §7.1.1.1: the server compresses each message on its own. A server does so whatever the
    // client offers; a client asks for it (its first offer), accepting a server that declines.
    bool server_no_context_takeover = false;
    // §7.1.1.2: the client compresses each message on its own. A server asks for it; a client
    // does so and says it in its offers.
    bool client_no_context_takeover = false;
    // DEFLATE level for what this endpoint sends: 1 fastest (gorilla's default) .. 9 best; 0
    // stores. Conn::set_compression_level changes it per connection.
    int level = 1;
    // Messages shorter than this go uncompressed (RSV1 clear): a few bytes rarely shrink.
    std::size_t threshold = 64;
};

}  // namespace wire::websocket
