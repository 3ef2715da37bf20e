#include <doctest/doctest.h>

#include <string>

#include "http/content_type.hpp"

using namespace std::string_literals;

TEST_CASE("detect_content_type covers every signature, as Go's DetectContentType") {
    struct Case {
        const char* name;
        std::string data;
        const char* type;
    };
    const std::string mp4 =
        "\x00\x00\x00\x18"
        "ftypmp42\x00\x00\x00\x00"
        "isommp42"s;
    const Case cases[] = {
        {"empty", "", "text/plain; charset=utf-8"},
        {"binary", "\x01\x02\x03", "application/octet-stream"},
        {"HTML doctype", "<!DOCTYPE html><html>", "text/html; charset=utf-8"},
        {"HTML after whitespace", " \t\n<HtMl><b>", "text/html; charset=utf-8"},
        {"HTML <head", "<head>", "text/html; charset=utf-8"},
        {"HTML <script", "<script src=x>", "text/html; charset=utf-8"},
        {"HTML <iframe", "<IFRAME>", "text/html; charset=utf-8"},
        {"HTML <h1", "<h1>x", "text/html; charset=utf-8"},
        {"HTML <div", "<div class>", "text/html; charset=utf-8"},
        {"HTML <font", "<font>", "text/html; charset=utf-8"},
        {"HTML <table", "<table>", "text/html; charset=utf-8"},
        {"HTML <a", "<a href=x>", "text/html; charset=utf-8"},
        {"HTML <style", "<style>", "text/html; charset=utf-8"},
        {"HTML <title", "<title>", "text/html; charset=utf-8"},
        {"HTML <b", "<b>", "text/html; charset=utf-8"},
        {"HTML <body", "<body>", "text/html; charset=utf-8"},
        {"HTML <br", "<br>", "text/html; charset=utf-8"},
        {"HTML <p", "<p>", "text/html; charset=utf-8"},
        {"HTML comment", "<!-- x -->", "text/html; charset=utf-8"},
        {"not a tag end", "<bx>", "text/plain; charset=utf-8"},
        {"tag at the very end", "<html", "text/plain; charset=utf-8"},
        {"XML", "\n<?xml version=\"1.0\"?>", "text/xml; charset=utf-8"},
        {"PDF", "%PDF-1.7", "application/pdf"},
        {"PostScript", "%!PS-Adobe-3.0", "application/postscript"},
        {"UTF-16BE BOM", "\xFE\xFF\x00\x41"s, "text/plain; charset=utf-16be"},
        {"UTF-16LE BOM", "\xFF\xFE\x41\x00"s, "text/plain; charset=utf-16le"},
        {"UTF-8 BOM", "\xEF\xBB\xBFhello", "text/plain; charset=utf-8"},
        {"ICO", "\x00\x00\x01\x00\x01"s, "image/x-icon"},
        {"CUR", "\x00\x00\x02\x00\x01"s, "image/x-icon"},
        {"BMP", "BM\x10\x00", "image/bmp"},
        {"GIF87a", "GIF87a...", "image/gif"},
        {"GIF89a", "GIF89a...", "image/gif"},
        {"WebP", "RIFF\x10\x00\x00\x00WEBPVP8 "s, "image/webp"},
        {"PNG", "\x89PNG\x0D\x0A\x1A\x0A\x00"s, "image/png"},
        {"JPEG", "\xFF\xD8\xFF\xE0", "image/jpeg"},
        {"AIFF",
         "FORM\x00\x00\x00\x00"
         "AIFF"s,
         "audio/aiff"},
        {"MP3 with ID3", "ID3\x03\x00"s, "audio/mpeg"},
        {"Ogg", "OggS\x00\x02"s, "application/ogg"},
        {"MIDI", "MThd\x00\x00\x00\x06\x00\x01"s, "audio/midi"},
        {"AVI",
         "RIFF\x00\x00\x00\x00"
         "AVI LIST"s,
         "video/avi"},
        {"WAVE", "RIFF\x00\x00\x00\x00WAVEfmt "s, "audio/wave"},
        {"MP4", mp4, "video/mp4"},
        {"WebM", "\x1A\x45\xDF\xA3\x01"s, "video/webm"},
        {"EOT", std::string(34, '\x01') + "LP", "application/vnd.ms-fontobject"},
        {"TTF", "\x00\x01\x00\x00\x00"s, "font/ttf"},
        {"OTF", "OTTO\x00"s, "font/otf"},
        {"TTC", "ttcf\x00"s, "font/collection"},
        {"WOFF", "wOFF\x00"s, "font/woff"},
        {"WOFF2", "wOF2\x00"s, "font/woff2"},
        {"gzip", "\x1F\x8B\x08\x00"s, "application/x-gzip"},
        {"zip", "PK\x03\x04\x14"s, "application/zip"},
        {"RAR 4", "Rar!\x1A\x07\x00"s, "application/x-rar-compressed"},
        {"RAR 5", "Rar!\x1A\x07\x01\x00"s, "application/x-rar-compressed"},
        {"wasm",
         "\x00"
         "asm\x01\x00\x00\x00"s,
         "application/wasm"},
        {"plain text", "Hello, world!\r\n\tTabs and\x1b escapes are text.",
         "text/plain; charset=utf-8"},
        {"NUL makes it binary", "text\x00more"s, "application/octet-stream"},
        {"binary after 512 bytes is ignored", std::string(512, 'a') + "\x00"s,
         "text/plain; charset=utf-8"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        CHECK(wire::http::detect_content_type(c.data) == c.type);
    }
}

TEST_CASE("content types by extension, text with charset, any case, with or without dot") {
    using wire::http::content_type_for_extension;
    CHECK(content_type_for_extension(".html") == "text/html; charset=utf-8");
    CHECK(content_type_for_extension("HTML") == "text/html; charset=utf-8");
    CHECK(content_type_for_extension(".css") == "text/css; charset=utf-8");
    CHECK(content_type_for_extension(".js") == "text/javascript; charset=utf-8");
    CHECK(content_type_for_extension(".json") == "application/json");
    CHECK(content_type_for_extension(".svg") == "image/svg+xml");
    CHECK(content_type_for_extension(".png") == "image/png");
    CHECK(content_type_for_extension(".woff2") == "font/woff2");
    CHECK(content_type_for_extension(".mp4") == "video/mp4");
    CHECK(content_type_for_extension(".gz") == "application/gzip");
    CHECK(content_type_for_extension(".pdf") == "application/pdf");
    CHECK(content_type_for_extension(".wasm") == "application/wasm");
    CHECK(content_type_for_extension(".xhtml") == "application/xhtml+xml");
    CHECK(content_type_for_extension(".atom") == "application/atom+xml");
    CHECK(content_type_for_extension(".doc") == "application/msword");
    CHECK(content_type_for_extension(".txt") == "text/plain; charset=utf-8");
    CHECK(content_type_for_extension(".xml") == "text/xml; charset=utf-8");
    CHECK(content_type_for_extension(".jpg") == "image/jpeg");
    CHECK(content_type_for_extension(".gif") == "image/gif");
    CHECK(content_type_for_extension(".unknown").empty());
    CHECK(content_type_for_extension("").empty());
    CHECK(wire::http::path_extension("/static/app.min.js") == ".js");
    CHECK(wire::http::path_extension("/dir.d/file").empty());
    CHECK(wire::http::path_extension("noext").empty());
}
