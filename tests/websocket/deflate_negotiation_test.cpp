#include "websocket/deflate_negotiation.hpp"

#include <doctest/doctest.h>

#include <string>

#include "websocket/error.hpp"
#include "websocket/handshake.hpp"

using namespace wire::websocket;

namespace {

struct ServerCase {
    const char* offer;
    CompressionOptions prefs;
    bool accepted;
    const char* response;  // when accepted
    DeflateParams params;  // when accepted
};

CompressionOptions prefs_with(int server_bits, int client_bits, bool snt = false,
                              bool cnt = false) {
    CompressionOptions p;
    p.server_max_window_bits = server_bits;
    p.client_max_window_bits = client_bits;
    p.server_no_context_takeover = snt;
    p.client_no_context_takeover = cnt;
    return p;
}

DeflateParams params(bool snt, bool cnt, int server_bits, int client_bits) {
    return DeflateParams{snt, cnt, server_bits, client_bits};
}

}  // namespace

TEST_CASE("permessage-deflate, server: the first acceptable offer wins (RFC 7692 §7.1)") {
    const CompressionOptions defaults;
    const ServerCase cases[] = {
        {"permessage-deflate", defaults, true, "permessage-deflate", params(false, false, 15, 15)},
        // Chromium's offer: the client can limit its window, and we do not ask it to.
        {"permessage-deflate; client_max_window_bits", defaults, true, "permessage-deflate",
         params(false, false, 15, 15)},
        // gorilla's offer: no context takeover either way, repeated in the answer (§7.1.1).
        {"permessage-deflate; server_no_context_takeover; client_no_context_takeover", defaults,
         true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
         params(true, true, 15, 15)},
        // §7.1.2.1: a requested server window is honoured exactly, 8 included.
        {"permessage-deflate; server_max_window_bits=8", defaults, true,
         "permessage-deflate; server_max_window_bits=8", params(false, false, 8, 15)},
        {"permessage-deflate; server_max_window_bits=\"12\"", defaults, true,
         "permessage-deflate; server_max_window_bits=12", params(false, false, 12, 15)},
        // The smaller of the offer and our own limit.
        {"permessage-deflate; server_max_window_bits=12", prefs_with(10, 15), true,
         "permessage-deflate; server_max_window_bits=10", params(false, false, 10, 15)},
        // Our own limit, stated although the client named none.
        {"permessage-deflate", prefs_with(9, 15), true,
         "permessage-deflate; server_max_window_bits=9", params(false, false, 9, 15)},
        // §7.1.2.2: we may limit the client only if it offered client_max_window_bits.
        {"permessage-deflate", prefs_with(15, 10), true, "permessage-deflate",
         params(false, false, 15, 15)},
        {"permessage-deflate; client_max_window_bits", prefs_with(15, 10), true,
         "permessage-deflate; client_max_window_bits=10", params(false, false, 15, 10)},
        {"permessage-deflate; client_max_window_bits=8", prefs_with(15, 10), true,
         "permessage-deflate; client_max_window_bits=8", params(false, false, 15, 8)},
        {"permessage-deflate; client_max_window_bits=12", defaults, true,
         "permessage-deflate; client_max_window_bits=12", params(false, false, 15, 12)},
        // Our own takeover preferences (§7.1.1).
        {"permessage-deflate", prefs_with(15, 15, true, true), true,
         "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
         params(true, true, 15, 15)},
        // Offers we cannot accept are declined, and the next one is taken (§7.1).
        {"permessage-deflate; server_max_window_bits=7, permessage-deflate", defaults, true,
         "permessage-deflate", params(false, false, 15, 15)},
        {"permessage-deflate; server_max_window_bits=16, permessage-deflate; "
         "server_max_window_bits=11",
         defaults, true, "permessage-deflate; server_max_window_bits=11",
         params(false, false, 11, 15)},
        {"permessage-deflate; unknown_param, permessage-deflate; client_max_window_bits=9",
         defaults, true, "permessage-deflate; client_max_window_bits=9",
         params(false, false, 15, 9)},
        {"x-webkit-deflate-frame, permessage-deflate", defaults, true, "permessage-deflate",
         params(false, false, 15, 15)},
        // Nothing acceptable: declined, not an error; the connection goes on uncompressed.
        {"permessage-deflate; server_max_window_bits", defaults, false, "", {}},
        {"permessage-deflate; server_max_window_bits=08", defaults, false, "", {}},
        {"permessage-deflate; server_no_context_takeover=1", defaults, false, "", {}},
        {"permessage-deflate; client_max_window_bits=16", defaults, false, "", {}},
        {"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
         defaults,
         false,
         "",
         {}},
        {"permessage-deflate; client_max_window_bits; client_max_window_bits=10",
         defaults,
         false,
         "",
         {}},
        {"Permessage-Deflate", defaults, false, "", {}},
        {"x-webkit-deflate-frame", defaults, false, "", {}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.offer));
        const DeflateAgreement a = negotiate_deflate(c.offer, c.prefs);
        CHECK(a.syntax == ExtensionSyntax::ok);
        REQUIRE(a.accepted == c.accepted);
        if (!c.accepted) continue;
        CHECK(a.response == c.response);
        CHECK(a.params == c.params);
        // Whatever we answer, a client that made that offer accepts (we check ourselves).
    }
}

TEST_CASE("permessage-deflate, server: every window 8..15 both ways, exactly") {
    for (int s = 8; s <= 15; ++s) {
        for (int c = 8; c <= 15; ++c) {
            const std::string offer =
                "permessage-deflate; server_max_window_bits=" + std::to_string(s) +
                "; client_max_window_bits=" + std::to_string(c);
            const DeflateAgreement a = negotiate_deflate(offer, CompressionOptions{});
            REQUIRE(a.accepted);
            CHECK(a.params.server_max_window_bits == s);
            CHECK(a.params.client_max_window_bits == c);
            CHECK(a.response == offer);
        }
    }
}

TEST_CASE("permessage-deflate, server: a malformed header is refused with 400 and the reason") {
    const char* bad[] = {"permessage-deflate;", "permessage-deflate; a=\"1",
                         "permessage-deflate; server_max_window_bits=10 11",
                         // Malformed after an acceptable offer: the whole header is read.
                         "permessage-deflate, x;;"};
    for (const char* header : bad) {
        CAPTURE(header);
        CHECK(negotiate_deflate(header, {}).syntax != ExtensionSyntax::ok);
        UpgradeRequest r;
        r.method = "GET";
        r.http_version = "HTTP/1.1";
        r.host = "h";
        r.upgrade = "websocket";
        r.connection = "Upgrade";
        r.version = "13";
        r.key = "dGhlIHNhbXBsZSBub25jZQ==";
        r.extensions = header;
        const CompressionOptions prefs;
        ServerHandshakeOptions options;
        options.compression = &prefs;
        UpgradeResponse out;
        const HandshakeCheck check = accept_upgrade(r, options, out);
        CHECK(check.error == Error::handshake_bad_extensions);
        CHECK(check.status == 400);
        CHECK(check.body.find("Sec-WebSocket-Extensions") != std::string_view::npos);
        // Without compression the header is not read at all (as before).
        CHECK(accept_upgrade(r, {}, out).ok());
    }
}

TEST_CASE("permessage-deflate, handshake: the 101 carries the answer and the agreement") {
    UpgradeRequest r;
    r.method = "GET";
    r.http_version = "HTTP/1.1";
    r.host = "h";
    r.upgrade = "websocket";
    r.connection = "Upgrade";
    r.version = "13";
    r.key = "dGhlIHNhbXBsZSBub25jZQ==";
    r.extensions = "permessage-deflate; client_max_window_bits";
    const CompressionOptions prefs = prefs_with(12, 12);
    ServerHandshakeOptions options;
    options.compression = &prefs;
    UpgradeResponse out;
    REQUIRE(accept_upgrade(r, options, out).ok());
    CHECK(out.deflate);
    CHECK(out.deflate_params == params(false, false, 12, 12));
    const std::string head = format_upgrade_response(out);
    CHECK(head.find("\r\nSec-WebSocket-Extensions: permessage-deflate; "
                    "server_max_window_bits=12; client_max_window_bits=12\r\n") !=
          std::string::npos);
}

TEST_CASE("permessage-deflate, client: the offers, preferred first and a plain one after") {
    CHECK(deflate_offers({}) == "permessage-deflate; client_max_window_bits");
    CHECK(deflate_offers(prefs_with(10, 11, true, true)) ==
          "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
          "server_max_window_bits=10; client_max_window_bits=11, "
          "permessage-deflate; client_max_window_bits");
    // Our own offers parse, and a server of ours accepts the first.
    const std::string offers = deflate_offers(prefs_with(9, 8, true, false));
    CHECK(check_extension_syntax(offers) == ExtensionSyntax::ok);
    const DeflateAgreement a = negotiate_deflate(offers, {});
    REQUIRE(a.accepted);
    CHECK(a.params == params(true, false, 9, 8));
}

namespace {

struct ClientCase {
    CompressionOptions prefs;
    const char* response;
    std::error_code error;
    bool accepted;
    DeflateParams params;
};

}  // namespace

TEST_CASE("permessage-deflate, client: the answer must fit an offer (RFC 7692 §7.1)") {
    const CompressionOptions defaults;
    const CompressionOptions wants = prefs_with(10, 12, true, false);
    const std::error_code ok;
    const std::error_code bad = Error::handshake_bad_deflate_response;
    const ClientCase cases[] = {
        {defaults, "", ok, false, {}},  // declined: go on uncompressed
        {defaults, "permessage-deflate", ok, true, params(false, false, 15, 15)},
        {defaults, "permessage-deflate; client_max_window_bits=8", ok, true,
         params(false, false, 15, 8)},
        // Unasked server_no_context_takeover and a smaller server window are fine (§7.1.1.1,
        // §7.1.2.1).
        {defaults, "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", ok,
         true, params(true, false, 9, 15)},
        {defaults, "permessage-deflate; client_no_context_takeover", ok, true,
         params(false, true, 15, 15)},
        // The preferred offer accepted as made, or the plain fallback accepted.
        {wants, "permessage-deflate; server_no_context_takeover; server_max_window_bits=10", ok,
         true, params(true, false, 10, 12)},
        {wants, "permessage-deflate; server_no_context_takeover; server_max_window_bits=8", ok,
         true, params(true, false, 8, 12)},
        {wants, "permessage-deflate", ok, true, params(false, false, 15, 12)},
        // Values outside what we offered.
        {defaults, "permessage-deflate; client_max_window_bits", bad, false, {}},
        {defaults, "permessage-deflate; client_max_window_bits=16", bad, false, {}},
        {defaults, "permessage-deflate; server_max_window_bits=7", bad, false, {}},
        {defaults, "permessage-deflate; mystery", bad, false, {}},
        {defaults, "permessage-deflate; server_no_context_takeover=yes", bad, false, {}},
        {wants, "permessage-deflate; server_max_window_bits=10", ok, true,
         params(false, false, 10, 12)},  // fits the plain offer
        {prefs_with(10, 15, false, false), "permessage-deflate; client_max_window_bits=15", ok,
         true, params(false, false, 15, 15)},
        // An extension we never offered, permessage-deflate twice, and syntax errors.
        {defaults, "x-other", Error::handshake_unrequested_extension, false, {}},
        {defaults,
         "permessage-deflate, permessage-deflate",
         Error::handshake_bad_extensions,
         false,
         {}},
        {defaults, "permessage-deflate;", Error::handshake_bad_extensions, false, {}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.response));
        bool accepted = true;
        DeflateParams p;
        CHECK(check_deflate_response(c.response, c.prefs, accepted, p) == c.error);
        CHECK(accepted == c.accepted);
        if (c.accepted) CHECK(p == c.params);
    }
}

TEST_CASE("permessage-deflate, client: a server of ours always answers what the client accepts") {
    for (int ps = 8; ps <= 15; ++ps) {
        for (const bool snt : {false, true}) {
            const CompressionOptions client = prefs_with(ps, 23 - ps, snt, !snt);
            const CompressionOptions server = prefs_with(23 - ps, ps, !snt, snt);
            const DeflateAgreement a = negotiate_deflate(deflate_offers(client), server);
            REQUIRE(a.accepted);
            bool accepted = false;
            DeflateParams p;
            CHECK_FALSE(check_deflate_response(a.response, client, accepted, p));
            CHECK(accepted);
            // Both ends agree on what each side sends, where the client may be stricter.
            CHECK(p.server_max_window_bits == a.params.server_max_window_bits);
            CHECK(p.server_no_context_takeover == a.params.server_no_context_takeover);
            CHECK(p.client_max_window_bits <= a.params.client_max_window_bits);
        }
    }
}
