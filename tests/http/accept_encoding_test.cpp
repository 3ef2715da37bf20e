#include "http/accept_encoding.hpp"

#include <doctest/doctest.h>

#include <array>
#include <string_view>

namespace {

using wire::http::AcceptEncoding;
using wire::http::choose_coding;
using wire::http::ContentCoding;
using wire::http::Field;
using wire::http::HeaderView;

AcceptEncoding parsed(std::string_view value) {
    AcceptEncoding a;
    wire::http::parse_accept_encoding(value, a);
    return a;
}

struct Case {
    std::string_view field;
    ContentCoding expected;
    bool identity_refused;
};

}  // namespace

TEST_CASE("accept-encoding: qvalues as RFC 9110 §12.4.2 writes them, and nothing else") {
    CHECK(parsed("gzip").gzip == 1000);
    CHECK(parsed("gzip;q=0.5").gzip == 500);
    CHECK(parsed("gzip ; Q=0.25").gzip == 250);
    CHECK(parsed("gzip;q=0.125").gzip == 125);
    CHECK(parsed("gzip;q=1.000").gzip == 1000);
    CHECK(parsed("gzip;q=0.").gzip == 0);
    CHECK(parsed("gzip;q=1.").gzip == 1000);
    CHECK(parsed("gzip;q=0").gzip == 0);
    // Outside the grammar: the element is skipped, as if not named.
    for (std::string_view bad : {"gzip;q=1.5", "gzip;q=0.1234", "gzip;q=2", "gzip;q=", "gzip;q=-1",
                                 "gzip;level=1", "gzip;q=.5", "gzip;q=0.5x"})
        CHECK_MESSAGE(parsed(bad).gzip == AcceptEncoding::not_named, bad);
}

TEST_CASE("accept-encoding: names are case-insensitive, x-gzip is gzip, the first entry counts") {
    CHECK(parsed("GZip").gzip == 1000);
    CHECK(parsed("x-gzip;q=0.3").gzip == 300);  // RFC 9110 §8.4.1.3
    CHECK(parsed("gzip;q=0.2, gzip;q=0.9").gzip == 200);
    CHECK(parsed(" , ,deflate,,").deflate == 1000);  // RFC 9110 §5.6.1: empty list elements
    const AcceptEncoding a = parsed("br, zstd, *;q=0.1, identity;q=0.5");
    CHECK(a.any == 100);
    CHECK(a.identity == 500);
    CHECK(a.weight(ContentCoding::gzip) == 100);  // from "*"
}

TEST_CASE("accept-encoding: every line of a request counts") {
    const std::array<Field, 3> fields{
        {{"Accept-Encoding", "deflate;q=0.4"}, {"Host", "x"}, {"accept-encoding", "gzip;q=0.3"}}};
    const AcceptEncoding a = wire::http::parse_accept_encoding(HeaderView(fields));
    CHECK(a.present);
    CHECK(a.deflate == 400);
    CHECK(a.gzip == 300);
    CHECK(choose_coding(a).coding == ContentCoding::deflate);
    CHECK_FALSE(wire::http::parse_accept_encoding(HeaderView{}).present);
}

TEST_CASE("accept-encoding: the coding a response uses (RFC 9110 §12.5.3)") {
    const Case cases[] = {
        {"gzip", ContentCoding::gzip, false},
        {"gzip, deflate, br", ContentCoding::gzip, false},
        {"deflate, gzip", ContentCoding::gzip, false},  // equal weights: gzip first
        {"deflate", ContentCoding::deflate, false},
        {"deflate;q=1, gzip;q=0.8", ContentCoding::deflate, false},
        {"gzip;q=0", ContentCoding::identity, false},
        {"gzip;q=0, deflate", ContentCoding::deflate, false},
        {"*", ContentCoding::gzip, false},
        {"*;q=0.5, gzip;q=0", ContentCoding::deflate, false},
        {"*;q=0", ContentCoding::identity, true},
        {"identity;q=0", ContentCoding::identity, true},
        {"identity;q=0, gzip", ContentCoding::gzip, false},
        {"*;q=0, identity", ContentCoding::identity, false},
        {"gzip;q=0.5, identity", ContentCoding::identity, false},  // identity weighs more
        {"gzip;q=0.5, identity;q=0.5", ContentCoding::gzip, false},
        {"br", ContentCoding::identity, false},
        {"", ContentCoding::identity, false},  // present but empty: no coding wanted
    };
    for (const Case& c : cases) {
        const auto choice = choose_coding(parsed(c.field));
        CHECK_MESSAGE(choice.coding == c.expected, c.field);
        CHECK_MESSAGE(choice.identity_refused == c.identity_refused, c.field);
    }
    // Without the field a client states no preference, and gets identity.
    CHECK(choose_coding(AcceptEncoding{}).coding == ContentCoding::identity);
    // What the server cannot produce is not chosen.
    CHECK(choose_coding(parsed("gzip, deflate;q=0.5"), false, true).coding ==
          ContentCoding::deflate);
    CHECK(choose_coding(parsed("gzip"), false, false).coding == ContentCoding::identity);
}

TEST_CASE("accept-encoding: coding names") {
    CHECK(wire::http::coding_name(ContentCoding::gzip) == "gzip");
    CHECK(wire::http::coding_name(ContentCoding::deflate) == "deflate");
    CHECK(wire::http::coding_name(ContentCoding::identity) == "identity");
}
