// The HTML page a file server shows for a directory without index.html, as Go's FileServer
// writes it: a <pre> list of links, names escaped for both the URL and the HTML.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wire::http::detail {

struct DirEntry {
    std::string name;
    bool is_dir = false;
};

// Sorts `entries` by name and returns the page. Each name becomes
//   <a href="URL-escaped name[/]">HTML-escaped name[/]</a>
// with "./" before a name whose first segment has a ":" (so it is not read as a scheme).
std::string directory_listing_html(std::vector<DirEntry> entries);

// Escapes the five characters HTML gives meaning to (& < > " ').
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace wire::http::detail
