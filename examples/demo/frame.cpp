// The demo's look for pages it did not write itself: the file server's listing and the seed
// tutorials' own pages get the stylesheet, the icon and the header with the way back home that
// every page in www/ has.
#include <string>
#include <string_view>

#include "demo.hpp"

namespace demo {

namespace {

constexpr std::string_view kHeadLinks =
    "<link rel=\"stylesheet\" href=\"/style.css\">\n"
    "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n";

// `title` is HTML already (escaped by the caller).
std::string header_bar(std::string_view title) {
    std::string out = "<header>\n  <h1>";
    out.append(title);
    out += "</h1>\n  <a href=\"/\">all examples</a>\n</header>\n";
    return out;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
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
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
}

std::string page_start(std::string_view title) {
    std::string page =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
    page += "wire demo: ";
    page.append(title);
    page += "</title>\n";
    page.append(kHeadLinks);
    page += "</head>\n<body>\n";
    page += header_bar(title);
    return page;
}

std::string add_frame(std::string page, std::string_view title) {
    // The links go last in <head>, so that the page's own styles (if any) still win.
    if (const auto head_end = page.find("</head>"); head_end != std::string::npos)
        page.insert(head_end, kHeadLinks);
    // The header goes first in <body>.
    if (const auto body = page.find("<body"); body != std::string::npos) {
        if (const auto open_end = page.find('>', body); open_end != std::string::npos)
            page.insert(open_end + 1, "\n" + header_bar(title));
    }
    return page;
}

}  // namespace demo
