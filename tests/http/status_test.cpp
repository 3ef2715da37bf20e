#include "http/status.hpp"

#include <doctest/doctest.h>

TEST_CASE("status_text knows every registered code") {
    using wire::http::status_text;
    CHECK(status_text(100) == "Continue");
    CHECK(status_text(101) == "Switching Protocols");
    CHECK(status_text(200) == "OK");
    CHECK(status_text(204) == "No Content");
    CHECK(status_text(304) == "Not Modified");
    CHECK(status_text(400) == "Bad Request");
    CHECK(status_text(404) == "Not Found");
    CHECK(status_text(413) == "Content Too Large");
    CHECK(status_text(414) == "URI Too Long");
    CHECK(status_text(418) == "I'm a teapot");
    CHECK(status_text(431) == "Request Header Fields Too Large");
    CHECK(status_text(451) == "Unavailable For Legal Reasons");
    CHECK(status_text(500) == "Internal Server Error");
    CHECK(status_text(501) == "Not Implemented");
    CHECK(status_text(505) == "HTTP Version Not Supported");
    CHECK(status_text(511) == "Network Authentication Required");
    CHECK(status_text(299).empty());
    CHECK(status_text(0).empty());
    CHECK(status_text(-1).empty());
    int registered = 0;
    for (int c = 0; c < 1000; ++c)
        registered += status_text(c).empty() ? 0 : 1;
    CHECK(registered == 63);
}

TEST_CASE("status classes and which responses carry a body") {
    CHECK(wire::http::is_informational(101));
    CHECK(wire::http::is_success(204));
    CHECK(wire::http::is_redirect(308));
    CHECK(wire::http::is_client_error(404));
    CHECK(wire::http::is_server_error(503));
    CHECK_FALSE(wire::http::status_allows_body(100));
    CHECK_FALSE(wire::http::status_allows_body(204));
    CHECK_FALSE(wire::http::status_allows_body(304));
    CHECK(wire::http::status_allows_body(200));
    CHECK(wire::http::status_allows_body(404));
}

TEST_CASE("named status constants match the table") {
    namespace st = wire::http::status;
    CHECK(st::ok == 200);
    CHECK(st::not_found == 404);
    CHECK(st::continue_ == 100);
    CHECK(st::request_header_fields_too_large == 431);
    CHECK(st::http_version_not_supported == 505);
    CHECK(wire::http::status_text(st::content_too_large) == "Content Too Large");
}
