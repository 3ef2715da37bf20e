// gzip_handler: compresses responses with the gzip coding (RFC 9110 §8.4.1.3), or deflate (zlib
// framing, §8.4.1.2) for a client that accepts only that, as the common Go middlewares do.
// wire:glue
//
//   server.handler = wire::http::gzip_handler(mux);          // level 6, 1 KiB minimum
//
// A response is compressed only when all of these hold:
//   - the request accepts gzip or deflate (Accept-Encoding, RFC 9110 §12.5.3);
//   - the handler set no Content-Encoding, and no Cache-Control: no-transform (RFC 9111 §5.2.2.6);
//   - the Content-Type (set, or sniffed from the first bytes) is in `types`;
//   - the request has no Range and the status is not 206: byte ranges would address the
//     compressed bytes, which the handler never saw;
//   - the body reaches `min_size` bytes (held back until then), or the handler flushes first (a
//     stream such as server-sent events: each flush then passes through as a sync flush, so
//     every event arrives whole as soon as it is written).
// When compressing, Content-Length and Accept-Ranges are dropped and a strong ETag is made weak
// (RFC 9110 §8.8.1: the bytes differ from the identity representation's). Every response of a
// compressible type gets "Vary: Accept-Encoding", compressed or not, so caches keep both forms.
// HEAD responses get the same header as GET (the body is compressed, counted and dropped).
// hijack() and upgrade_on_loop() pass through: a WebSocket route behind it works.
//
// BREACH: a compressed response's length reveals how well its parts repeat each other. When a
// page carries a secret (a CSRF token, a session value) AND reflects text an attacker chooses
// (a query parameter, a search term), the attacker can guess the secret byte by byte from the
// sizes of many responses. Do not put such routes behind gzip_handler (or mask the secret per
// response). Nor is there a point for content that is already compressed (images, video,
// archives): the default `types` leave them out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "http/handler.hpp"

namespace wire::http {

struct GzipOptions {
    int level = 6;                // 1 (fastest) .. 9 (smallest)
    std::size_t min_size = 1024;  // smaller bodies are sent as they are
    bool weaken_etag = true;      // a strong ETag becomes W/"..." when compressing
    // Media types to compress: exact ("application/json"), a type's subtypes ("text/*"), or a
    // structured suffix ("*+json"). Compared case-insensitively, parameters ignored.
    std::vector<std::string> types = {
        "text/*",
        "application/json",
        "application/javascript",
        "application/ecmascript",
        "application/xml",
        "application/xhtml+xml",
        "application/wasm",
        "application/manifest+json",
        "image/svg+xml",
        "*+json",
        "*+xml",
    };
};

// Whether `content_type` (a Content-Type value) matches one of `types` (GzipOptions::types).
[[nodiscard]] bool compressible_type(std::string_view content_type,
                                     const std::vector<std::string>& types) noexcept;

[[nodiscard]] HandlerPtr gzip_handler(HandlerPtr next, GzipOptions options = {});

}  // namespace wire::http
