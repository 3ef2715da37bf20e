#include "http/detail/dir_listing.hpp"

#include <doctest/doctest.h>

using wire::http::detail::directory_listing_html;
using wire::http::detail::DirEntry;

TEST_CASE("directory_listing_html: sorted, escaped for the URL and for HTML") {
    const std::string page = directory_listing_html({
        {"zeta.txt", false},
        {"<script>alert(1)</script>", false},
        {"a b&c", true},
        {"x:y", false},
        {"100%", false},
        {"it's \"q\"", false},
    });
    CHECK(page ==
          "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n"
          "<a href=\"100%25\">100%</a>\n"
          "<a href=\"%3Cscript%3Ealert%281%29%3C/script%3E\">&lt;script&gt;alert(1)&lt;/script&gt;"
          "</a>\n"
          "<a href=\"a%20b&amp;c/\">a b&amp;c/</a>\n"
          "<a href=\"it%27s%20%22q%22\">it&#39;s &#34;q&#34;</a>\n"
          "<a href=\"./x:y\">x:y</a>\n"
          "<a href=\"zeta.txt\">zeta.txt</a>\n"
          "</pre>\n");
    CHECK(directory_listing_html({}) ==
          "<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n"
          "</pre>\n");
}
