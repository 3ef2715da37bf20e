#include "http/error.hpp"

#include <doctest/doctest.h>

using wire::http::Error;

TEST_CASE("http errors are std::error_codes with readable messages") {
    const std::error_code ec = Error::bare_cr;
    CHECK(ec.category().name() == std::string("wire.http"));
    CHECK(ec.message() == "a CR was not followed by LF (RFC 9112 §2.2)");
    CHECK(ec == Error::bare_cr);
    CHECK(ec != Error::bare_lf);
}

TEST_CASE("status_for maps each error to the status a server answers with") {
    CHECK(wire::http::status_for(Error::bad_method) == 400);
    CHECK(wire::http::status_for(Error::content_length_with_transfer_encoding) == 400);
    CHECK(wire::http::status_for(Error::body_too_large) == 413);
    CHECK(wire::http::status_for(Error::request_line_too_long) == 414);
    CHECK(wire::http::status_for(Error::target_too_long) == 414);
    CHECK(wire::http::status_for(Error::head_too_large) == 431);
    CHECK(wire::http::status_for(Error::too_many_fields) == 431);
    CHECK(wire::http::status_for(Error::unsupported_transfer_coding) == 501);
    CHECK(wire::http::status_for(Error::unsupported_version) == 505);
}

TEST_CASE("every error has its own non-empty reason") {
    for (int i = 1; i <= static_cast<int>(Error::expectation_failed); ++i) {
        const auto r = wire::http::reason(static_cast<Error>(i));
        CHECK_FALSE(r.empty());
        CHECK(r != "unknown wire.http error");
        if (i > 1) CHECK(r != wire::http::reason(static_cast<Error>(i - 1)));
    }
    CHECK(wire::http::reason(static_cast<Error>(0)) == "unknown wire.http error");
}
