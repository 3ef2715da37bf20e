#include "websocket/handshake.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace wire::websocket;

namespace {

// RFC 6455 §1.3 / §4.2.2: the example key and its accept value.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

UpgradeRequest good_request() {
    UpgradeRequest r;
    r.method = "GET";
    r.http_version = "HTTP/1.1";
    r.host = "server.example.com";
    r.upgrade = "websocket";
    r.connection = "Upgrade";
    r.version = "13";
    r.key = kKey;
    r.origin = "http://example.com";
    return r;
}

}  // namespace

TEST_CASE("compute_accept: the RFC 6455 §1.3 example") {
    CHECK(compute_accept(kKey).view() == kAccept);
}

TEST_CASE("a well-formed upgrade request passes, with any case and token lists") {
    CHECK(check_upgrade_request(good_request()).ok());
    CHECK(check_upgrade_request(good_request()).status == 101);
    UpgradeRequest r = good_request();
    r.upgrade = "WebSocket";
    r.connection = "keep-alive, UPGRADE";
    r.http_version = "HTTP/1.2";
    CHECK(check_upgrade_request(r).ok());
    r.connection = "keep-alive,\tupgrade ,";
    r.http_version = "HTTP/2.0";
    CHECK(check_upgrade_request(r).ok());
}

TEST_CASE("every server-side rejection answers with its status, header and a helpful body") {
    struct Case {
        const char* name;
        void (*mutate)(UpgradeRequest&);
        Error error;
        int status;
        std::string_view body_names;  // the header the body must name
    };
    const std::vector<Case> cases = {
        {"POST", [](UpgradeRequest& r) { r.method = "POST"; }, Error::handshake_bad_method, 405,
         "GET"},
        {"lower-case get", [](UpgradeRequest& r) { r.method = "get"; }, Error::handshake_bad_method,
         405, "GET"},
        {"HTTP/1.0", [](UpgradeRequest& r) { r.http_version = "HTTP/1.0"; },
         Error::handshake_bad_http_version, 400, "HTTP/1.1"},
        {"HTTP/0.9", [](UpgradeRequest& r) { r.http_version = "HTTP/0.9"; },
         Error::handshake_bad_http_version, 400, "HTTP/1.1"},
        {"garbage version", [](UpgradeRequest& r) { r.http_version = "HTTP/1.x"; },
         Error::handshake_bad_http_version, 400, "HTTP/1.1"},
        {"no Host", [](UpgradeRequest& r) { r.host = ""; }, Error::handshake_missing_host, 400,
         "'Host'"},
        {"no Upgrade", [](UpgradeRequest& r) { r.upgrade = ""; }, Error::handshake_bad_upgrade, 400,
         "'Upgrade'"},
        {"Upgrade: h2c", [](UpgradeRequest& r) { r.upgrade = "h2c"; }, Error::handshake_bad_upgrade,
         400, "'Upgrade'"},
        {"Upgrade: websockets", [](UpgradeRequest& r) { r.upgrade = "websockets"; },
         Error::handshake_bad_upgrade, 400, "'Upgrade'"},
        {"no Connection", [](UpgradeRequest& r) { r.connection = ""; },
         Error::handshake_bad_connection, 400, "'Connection'"},
        {"Connection: keep-alive", [](UpgradeRequest& r) { r.connection = "keep-alive"; },
         Error::handshake_bad_connection, 400, "'Connection'"},
        {"Connection: upgrades", [](UpgradeRequest& r) { r.connection = "upgrades"; },
         Error::handshake_bad_connection, 400, "'Connection'"},
        {"version 8", [](UpgradeRequest& r) { r.version = "8"; }, Error::handshake_bad_version, 426,
         "'Sec-WebSocket-Version'"},
        {"no version", [](UpgradeRequest& r) { r.version = ""; }, Error::handshake_bad_version, 426,
         "'Sec-WebSocket-Version'"},
        {"no key", [](UpgradeRequest& r) { r.key = ""; }, Error::handshake_bad_key, 400,
         "'Sec-WebSocket-Key'"},
        {"key of 15 bytes", [](UpgradeRequest& r) { r.key = "AAAAAAAAAAAAAAAAAAAA"; },
         Error::handshake_bad_key, 400, "'Sec-WebSocket-Key'"},
        {"key of 17 bytes", [](UpgradeRequest& r) { r.key = "AAAAAAAAAAAAAAAAAAAAAAA="; },
         Error::handshake_bad_key, 400, "'Sec-WebSocket-Key'"},
        {"key not Base64", [](UpgradeRequest& r) { r.key = "dGhlIHNhbXBsZSBub25jZQ!="; },
         Error::handshake_bad_key, 400, "'Sec-WebSocket-Key'"},
        {"key with non-zero pad bits",
         [](UpgradeRequest& r) { r.key = "dGhlIHNhbXBsZSBub25jZR=="; }, Error::handshake_bad_key,
         400, "'Sec-WebSocket-Key'"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        UpgradeRequest r = good_request();
        c.mutate(r);
        const HandshakeCheck check = check_upgrade_request(r);
        CHECK_FALSE(check.ok());
        CHECK(check.error == make_error_code(c.error));
        CHECK(check.status == c.status);
        CHECK(check.body.find(c.body_names) != std::string_view::npos);
        CHECK(check.body.find("RFC 6455") != std::string_view::npos);
    }
}

TEST_CASE("426 names the protocol and the version; 405 names the allowed method") {
    UpgradeRequest r = good_request();
    r.version = "8";
    const HandshakeCheck check = check_upgrade_request(r);
    // RFC 9110 §15.5.22 and §7.8: Upgrade with its connection option; RFC 6455 §4.4: the version.
    REQUIRE(check.fields.size() == 3);
    CHECK(check.fields[0].name == "Upgrade");
    CHECK(check.fields[0].value == "websocket");
    CHECK(check.fields[1].name == "Connection");
    CHECK(check.fields[1].value == "Upgrade");
    CHECK(check.fields[2].name == "Sec-WebSocket-Version");
    CHECK(check.fields[2].value == "13");
    const std::string response = format_error_response(check);
    CHECK(response.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(response.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
    CHECK(response.find("\r\nConnection: Upgrade, close\r\n") != std::string::npos);
    CHECK(response.find("\r\nSec-WebSocket-Version: 13\r\n") != std::string::npos);
    CHECK(response.find("Content-Length: " + std::to_string(check.body.size()) + "\r\n") !=
          std::string::npos);
    CHECK(response.substr(response.size() - check.body.size()) == check.body);
    r = good_request();
    r.method = "PUT";
    const std::string not_get = format_error_response(check_upgrade_request(r));
    CHECK(not_get.find("\r\nAllow: GET\r\n") != std::string::npos);
    CHECK(not_get.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(handshake_failure(Error::handshake_bad_origin).status == 403);
    CHECK(format_error_response(handshake_failure(Error::handshake_bad_origin))
              .rfind("HTTP/1.1 403 Forbidden", 0) == 0);
}

TEST_CASE("header_has_token") {
    CHECK(header_has_token("Upgrade", "upgrade"));
    CHECK(header_has_token("keep-alive, Upgrade", "upgrade"));
    CHECK(header_has_token(" , ,upgrade", "upgrade"));
    CHECK_FALSE(header_has_token("", "upgrade"));
    CHECK_FALSE(header_has_token("upgrade-insecure-requests", "upgrade"));
    CHECK_FALSE(header_has_token("up grade", "upgrade"));
}

TEST_CASE("is_same_origin, as gorilla's checkSameOrigin") {
    CHECK(is_same_origin("", "example.com"));  // no Origin: not a browser
    CHECK(is_same_origin("http://example.com", "example.com"));
    CHECK(is_same_origin("https://EXAMPLE.com:8443", "example.com:8443"));
    CHECK_FALSE(is_same_origin("http://example.com:8080", "example.com"));
    CHECK_FALSE(is_same_origin("http://evil.com", "example.com"));
    CHECK_FALSE(is_same_origin("http://example.com.evil.com", "example.com"));
    CHECK_FALSE(is_same_origin("null", "example.com"));
}

TEST_CASE("subprotocol selection: server preference, only offered ones") {
    const std::string_view supported[] = {"v2.chat", "chat"};
    CHECK(select_subprotocol("chat, v2.chat", supported) == "v2.chat");
    CHECK(select_subprotocol("chat", supported) == "chat");
    CHECK(select_subprotocol("superchat", supported).empty());
    CHECK(select_subprotocol("", supported).empty());
    CHECK(select_subprotocol("Chat", supported).empty());  // tokens compare exactly
}

TEST_CASE("accept_upgrade builds the 101 with protocol and the extension hook's answer") {
    UpgradeRequest r = good_request();
    r.protocol = "chat, superchat";
    r.extensions = "permessage-deflate; client_max_window_bits";
    const std::string_view supported[] = {"superchat"};
    std::string seen_offer;
    ServerHandshakeOptions options;
    options.subprotocols = supported;
    options.negotiate_extensions = [&](std::string_view offer) {
        seen_offer = offer;
        return ExtensionAgreement{"permessage-deflate", 0x40};
    };
    UpgradeResponse out;
    REQUIRE(accept_upgrade(r, options, out).ok());
    CHECK(seen_offer == r.extensions);
    CHECK(out.accept.view() == kAccept);
    CHECK(out.protocol == "superchat");
    CHECK(out.extensions.rsv == 0x40);
    CHECK(format_upgrade_response(out) ==
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
          "Sec-WebSocket-Protocol: superchat\r\nSec-WebSocket-Extensions: "
          "permessage-deflate\r\n\r\n");
    // Without a hook every extension offer is declined; with no match no protocol header.
    UpgradeResponse plain;
    REQUIRE(accept_upgrade(r, ServerHandshakeOptions{}, plain).ok());
    CHECK(plain.protocol.empty());
    CHECK(plain.extensions.response.empty());
    CHECK(format_upgrade_response(plain).find("Sec-WebSocket-Protocol") == std::string::npos);
    r.key = "short";
    CHECK(accept_upgrade(r, options, out).error == make_error_code(Error::handshake_bad_key));
}

TEST_CASE(
    "generate_key: 24 Base64 characters of 16 fresh random bytes, accepted by the server check") {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        ClientKey key;
        REQUIRE_FALSE(generate_key(key));
        CHECK(key.view().size() == 24);
        CHECK(key.view().substr(22) == "==");
        UpgradeRequest r = good_request();
        r.key = key.view();
        CHECK(check_upgrade_request(r).ok());
        seen.insert(std::string(key.view()));
    }
    CHECK(seen.size() == 50);
}

TEST_CASE("client validation of the server's response, and each rejection") {
    UpgradeResponseHead ok;
    ok.status = 101;
    ok.upgrade = "WebSocket";
    ok.connection = "upgrade";
    ok.accept = kAccept;
    CHECK_FALSE(check_upgrade_response(ok, kKey, "", ""));
    auto with = [&](auto mutate) {
        UpgradeResponseHead h = ok;
        mutate(h);
        return h;
    };
    CHECK(check_upgrade_response(with([](auto& h) { h.status = 200; }), kKey, "", "") ==
          make_error_code(Error::handshake_bad_status));
    CHECK(check_upgrade_response(with([](auto& h) { h.upgrade = "h2c"; }), kKey, "", "") ==
          make_error_code(Error::handshake_bad_upgrade));
    CHECK(check_upgrade_response(with([](auto& h) { h.connection = "close"; }), kKey, "", "") ==
          make_error_code(Error::handshake_bad_connection));
    CHECK(check_upgrade_response(with([](auto& h) { h.accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo"; }),
                                 kKey, "", "") == make_error_code(Error::handshake_bad_accept));
    CHECK(check_upgrade_response(ok, "AAAAAAAAAAAAAAAAAAAAAA==", "", "") ==
          make_error_code(Error::handshake_bad_accept));
    // Subprotocol: only one the client offered.
    auto chat = with([](auto& h) { h.protocol = "chat"; });
    CHECK_FALSE(check_upgrade_response(chat, kKey, "superchat, chat", ""));
    CHECK(check_upgrade_response(chat, kKey, "superchat", "") ==
          make_error_code(Error::handshake_unoffered_subprotocol));
    CHECK(check_upgrade_response(chat, kKey, "", "") ==
          make_error_code(Error::handshake_unoffered_subprotocol));
    // Extensions: only ones the client requested, compared by name.
    auto pmd =
        with([](auto& h) { h.extensions = "permessage-deflate; server_no_context_takeover"; });
    CHECK_FALSE(
        check_upgrade_response(pmd, kKey, "", "permessage-deflate; client_max_window_bits"));
    CHECK(check_upgrade_response(pmd, kKey, "", "") ==
          make_error_code(Error::handshake_unrequested_extension));
    CHECK(check_upgrade_response(pmd, kKey, "", "x-webkit-deflate-frame") ==
          make_error_code(Error::handshake_unrequested_extension));
}
