#include "websocket/extension.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace wire::websocket;

namespace {

// An element as text, "name;p1=v1;p2", to compare parses as data.
std::string flatten(const ExtensionOffer& o) {
    std::string out(o.name);
    for (const auto& p : o.params()) {
        out += ";";
        out += p.name;
        if (p.has_value) out += "=" + std::string(p.value);
    }
    return out;
}

std::vector<std::string> parse_all(std::string_view header, ExtensionSyntax& syntax) {
    std::vector<std::string> out;
    ExtensionList list(header);
    ExtensionOffer offer;
    while (list.next(offer))
        out.push_back(flatten(offer));
    syntax = list.syntax();
    return out;
}

struct Good {
    const char* header;
    std::vector<std::string> elements;
};

struct Bad {
    const char* header;
    ExtensionSyntax syntax;
};

}  // namespace

TEST_CASE("Sec-WebSocket-Extensions: valid lists parse into elements and parameters") {
    const Good cases[] = {
        {"", {}},
        {"  ", {}},
        {"permessage-deflate", {"permessage-deflate"}},
        // What browsers send (RFC 7692 §7.1.2.2: client_max_window_bits without a value).
        {"permessage-deflate; client_max_window_bits",
         {"permessage-deflate;client_max_window_bits"}},
        {"permessage-deflate;client_max_window_bits=10;server_no_context_takeover",
         {"permessage-deflate;client_max_window_bits=10;server_no_context_takeover"}},
        // OWS around every separator (RFC 9110 §5.6.3).
        {" permessage-deflate \t; server_max_window_bits = 12 ;\tclient_no_context_takeover ",
         {"permessage-deflate;server_max_window_bits=12;client_no_context_takeover"}},
        // Several offers in one line, in the client's order of preference (RFC 7692 §5).
        {"permessage-deflate; server_max_window_bits=10, permessage-deflate",
         {"permessage-deflate;server_max_window_bits=10", "permessage-deflate"}},
        // Two header lines joined as RFC 9110 §5.3 says, and empty list elements (§5.6.1).
        {"x-webkit-deflate-frame, , permessage-deflate,",
         {"x-webkit-deflate-frame", "permessage-deflate"}},
        // §9.1: a quoted-string value is unescaped and then must be a token.
        {"permessage-deflate; server_max_window_bits=\"10\"",
         {"permessage-deflate;server_max_window_bits=10"}},
        {"permessage-deflate; server_max_window_bits=\"1\\0\"",
         {"permessage-deflate;server_max_window_bits=10"}},
        {"foo; a=\"x\"; b=y, bar", {"foo;a=x;b=y", "bar"}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.header));
        ExtensionSyntax syntax{};
        CHECK(parse_all(c.header, syntax) == c.elements);
        CHECK(syntax == ExtensionSyntax::ok);
        CHECK(check_extension_syntax(c.header) == ExtensionSyntax::ok);
    }
}

TEST_CASE("Sec-WebSocket-Extensions: malformed lists fail with the rule they break") {
    const Bad cases[] = {
        {"permessage-deflate;", ExtensionSyntax::missing_name},
        {"permessage-deflate;;a", ExtensionSyntax::missing_name},
        {"; a", ExtensionSyntax::missing_name},
        {"permessage-deflate; =10", ExtensionSyntax::missing_name},
        {"permessage-deflate; server_max_window_bits=", ExtensionSyntax::missing_value},
        {"permessage-deflate; server_max_window_bits=, x", ExtensionSyntax::missing_value},
        {"permessage-deflate; a=\"10", ExtensionSyntax::bad_quoted_string},
        {"permessage-deflate; a=\"1\\", ExtensionSyntax::bad_quoted_string},
        {"permessage-deflate; a=\"1\x01\"", ExtensionSyntax::bad_quoted_string},
        {"permessage-deflate; a=\"\"", ExtensionSyntax::quoted_value_not_token},
        {"permessage-deflate; a=\"1 0\"", ExtensionSyntax::quoted_value_not_token},
        {"permessage-deflate; a=\"x,y\"", ExtensionSyntax::quoted_value_not_token},
        {"permessage-deflate; a=10 11", ExtensionSyntax::unexpected_character},
        {"permessage deflate", ExtensionSyntax::unexpected_character},
        {"permessage-deflate; a=(10)", ExtensionSyntax::unexpected_character},
        {"\"permessage-deflate\"", ExtensionSyntax::unexpected_character},
        {"permessage-deflate; a@b", ExtensionSyntax::unexpected_character},
        {"x;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p;q", ExtensionSyntax::too_many_params},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.header));
        CHECK(check_extension_syntax(c.header) == c.syntax);
        CHECK_FALSE(extension_syntax_text(c.syntax).empty());
    }
    // Sixteen parameters are still read.
    CHECK(check_extension_syntax("x;a;b;c;d;e;f;g;h;i;j;k;l;m;n;o;p") == ExtensionSyntax::ok);
}

TEST_CASE("Sec-WebSocket-Extensions: quoted values have a bounded room, and say where they broke") {
    std::string header = "x; a=\"" + std::string(300, 'v') + "\"";
    CHECK(check_extension_syntax(header) == ExtensionSyntax::value_too_long);
    ExtensionList list("ok, bad value");
    ExtensionOffer offer;
    CHECK(list.next(offer));
    CHECK(offer.name == "ok");
    CHECK_FALSE(list.next(offer));
    CHECK(list.failed());
    CHECK(list.offset() == 8);      // the "v" of "value", where "," or ";" should be
    CHECK_FALSE(list.next(offer));  // sticky
}
