#include "http/content_type.hpp"

#include "http/detail/chars.hpp"

namespace wire::http {
namespace {

struct ExtType {
    std::string_view ext;  // lower case, without the dot
    std::string_view type;
};

// Go's built-in table plus the common web, font, image, audio, video, archive and document
// types; text types name their charset as Go's mime package does.
constexpr ExtType kTypes[] = {
    // Text and web.
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"xml", "text/xml; charset=utf-8"},
    {"xhtml", "application/xhtml+xml"},
    {"atom", "application/atom+xml"},
    {"rss", "application/rss+xml"},
    {"svgz", "image/svg+xml"},
    {"txt", "text/plain; charset=utf-8"},
    {"text", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"tsv", "text/tab-separated-values; charset=utf-8"},
    {"ics", "text/calendar; charset=utf-8"},
    {"vtt", "text/vtt; charset=utf-8"},
    {"wasm", "application/wasm"},
    // Images.
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"svg", "image/svg+xml"},
    {"ico", "image/vnd.microsoft.icon"},
    {"bmp", "image/bmp"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"heic", "image/heic"},
    // Fonts.
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"eot", "application/vnd.ms-fontobject"},
    // Audio.
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"oga", "audio/ogg"},
    {"opus", "audio/ogg"},
    {"wav", "audio/wav"},
    {"flac", "audio/flac"},
    {"aac", "audio/aac"},
    {"m4a", "audio/mp4"},
    {"mid", "audio/midi"},
    {"midi", "audio/midi"},
    // Video.
    {"mp4", "video/mp4"},
    {"m4v", "video/mp4"},
    {"webm", "video/webm"},
    {"ogv", "video/ogg"},
    {"avi", "video/x-msvideo"},
    {"mov", "video/quicktime"},
    {"mpeg", "video/mpeg"},
    // Archives.
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tgz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"bz2", "application/x-bzip2"},
    {"xz", "application/x-xz"},
    {"7z", "application/x-7z-compressed"},
    {"rar", "application/vnd.rar"},
    // Documents.
    {"pdf", "application/pdf"},
    {"ps", "application/postscript"},
    {"rtf", "application/rtf"},
    {"epub", "application/epub+zip"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"bin", "application/octet-stream"},
};

}  // namespace

std::string_view content_type_for_extension(std::string_view ext) noexcept {
    if (!ext.empty() && ext[0] == '.') ext.remove_prefix(1);
    for (const ExtType& t : kTypes) {
        if (detail::iequals(t.ext, ext)) return t.type;
    }
    return {};
}

std::string_view path_extension(std::string_view path) noexcept {
    for (std::size_t i = path.size(); i > 0; --i) {
        if (path[i - 1] == '/') return {};
        if (path[i - 1] == '.') return path.substr(i - 1);
    }
    return {};
}

}  // namespace wire::http
