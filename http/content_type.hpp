// Content types: by file extension (for FileServer) and by sniffing the first bytes
// (WHATWG MIME Sniffing, as Go's http.DetectContentType).
#pragma once

#include <string_view>

namespace wire::http {

// The media type for a file extension, with or without the dot and in any case (".HTML",
// "html"); text types carry "; charset=utf-8". "" when unknown.
std::string_view content_type_for_extension(std::string_view ext) noexcept;

// The extension of a path's last element including the dot (".gz" for "a.tar.gz"), or "".
std::string_view path_extension(std::string_view path) noexcept;

// At most the first 512 bytes of `data` are considered; the answer is always a valid type,
// "application/octet-stream" when nothing else fits. Follows the WHATWG MIME Sniffing
// Standard as Go's DetectContentType does: HTML and XML signatures after leading whitespace,
// then PDF, PostScript, UTF-16/UTF-8 byte order marks, images, audio and video, fonts,
// archives, WebAssembly, and finally text/plain unless a binary byte appears.
std::string_view detect_content_type(std::string_view data) noexcept;

}  // namespace wire::http
