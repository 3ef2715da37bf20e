// decompress_request_handler: hands the next handler request bodies sent with a content coding
// (RFC 9110 §8.4) already decoded, for APIs whose clients compress what they upload.
// wire:glue
//
//   mux.handle("/api/upload", wire::http::decompress_request_handler(upload));
//
// Without it, a body sent with "Content-Encoding: gzip" reaches the handler as sent (as in Go):
// the server itself never decodes a request body. Behind it:
//   - "gzip" (and its alias "x-gzip", RFC 9110 §8.4.1.3) and "deflate" (zlib framing, §8.4.1.2)
//     bodies read decoded through r.body(); Content-Encoding and Content-Length are hidden from
//     r.header and r.content_length is -1 (the decoded length is not known in advance).
//   - The decoded bytes count against the same limits as any body: r.body().limit()
//     (max_bytes_reader) and the server's Limits::max_body. A bomb (a few KiB that inflate to
//     gigabytes) stops there with ServerError::body_too_large, which the handler answers with
//     413 as for any body too large; memory stays at one window and one buffer.
//   - A corrupt or truncated stream is a read error (wire::compress::Error), never a short body.
//   - Any other coding, or several codings stacked, is answered 415 Unsupported Media Type
//     (RFC 9110 §15.5.16) with "Accept-Encoding: gzip, deflate" naming what would be decoded
//     (§12.5.3), and the next handler is not called.
#pragma once

#include "http/handler.hpp"

namespace wire::http {

[[nodiscard]] HandlerPtr decompress_request_handler(HandlerPtr next);

}  // namespace wire::http
