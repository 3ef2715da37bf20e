#include "http/detail/dir_listing.hpp"

#include <algorithm>

#include "http/percent.hpp"

namespace wire::http::detail {

void append_html_escaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&#34;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
}

std::string directory_listing_html(std::vector<DirEntry> entries) {
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    std::string out =
        "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n";
    for (const DirEntry& e : entries) {
        std::string name = e.name;
        if (e.is_dir) name += '/';
        std::string href = percent_encode(name, Escape::path);
        // RFC 3986 §4.2: a relative reference whose first segment has ":" looks like a scheme.
        if (href.find(':') < href.find('/')) href.insert(0, "./");
        out += "<a href=\"";
        append_html_escaped(out, href);
        out += "\">";
        append_html_escaped(out, name);
        out += "</a>\n";
    }
    out += "</pre>\n";
    return out;
}

}  // namespace wire::http::detail
